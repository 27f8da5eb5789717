// End-to-end tests of DPM evidence (console push errors, MSI logs) through
// `pushmortem ingest` and `query` of the real binary: push_errors, the
// push_attempts view, installs, and the DPM facts in hosts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "support/run_cli.h"

using namespace pm::test;

namespace {

std::string query(const std::string& case_file, const std::string& sql) {
  auto r = run_pm("query --case " + quote(case_file) + " --format csv " + quote(sql));
  INFO(sql << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("ingest of the sample bundle stores the console push errors as untimed attempts", "[cli][dpm]") {
  TempDir tmp;
  std::string c = tmp.str("case.db");
  auto r = run_pm("ingest " + quote(testdata("bundles/kb2981833").string()) + " --case " + quote(c));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);

  CHECK(query(c, "SELECT s.format, s.units_read, s.rows_stored, s.rows_rejected, s.header_units FROM sources s "
                 "WHERE s.path LIKE '%dpm01-console-errors.txt'") ==
        "format,units_read,rows_stored,rows_rejected,header_units\r\ndpm-push-errors,11,2,0,9\r\n");
  CHECK(query(c, "SELECT p.operation, p.target_host, p.error_id, p.hresult, p.hresult_source, p.form, p.last_line, "
                 "e.location, e.time_us IS NULL, e.event_code, h.name FROM push_errors p JOIN events e USING(event_id) "
                 "LEFT JOIN hosts h ON h.host_id = e.host_id ORDER BY e.location") ==
        "operation,target_host,error_id,hresult,hresult_source,form,last_line,location,e.time_us IS NULL,event_code,"
        "name\r\n"
        "Install protection agent,fs01.contoso.com,347,0x80010119,catalog,console,4,1,1,347,dpm01.contoso.com\r\n"
        "Install protection agent,fs01.contoso.com,319,0x800706BA,text,console,11,6,1,319,dpm01.contoso.com\r\n");
  CHECK(query(c, "SELECT target_host, datetime, error_id, hresult, source_file, location, kind FROM push_attempts "
                 "ORDER BY location") ==
        "target_host,datetime,error_id,hresult,source_file,location,kind\r\n"
        "fs01.contoso.com,,347,0x80010119,dpm01.contoso.com/dpm01-console-errors.txt,1,push-error\r\n"
        "fs01.contoso.com,,319,0x800706BA,dpm01.contoso.com/dpm01-console-errors.txt,6,push-error\r\n");
}

TEST_CASE("ingest of MSI logs stores installs and the DPM role, version and coordinator of each host", "[cli][dpm]") {
  TempDir tmp;
  std::filesystem::create_directories(tmp.path / "bundle" / "fs01.contoso.com");
  std::filesystem::create_directories(tmp.path / "bundle" / "dpm01.contoso.com");
  std::filesystem::copy_file(testdata("msi/agent_success_us.log"), tmp.path / "bundle/fs01.contoso.com/MSDPM7.log");
  std::filesystem::copy_file(testdata("msi/server_setup.log"), tmp.path / "bundle/dpm01.contoso.com/DPMSetup.log");
  std::string c = tmp.str("case.db");
  auto r = run_pm("ingest " + quote(tmp.str("bundle")) + " --tz UTC --case " + quote(c));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);

  CHECK(query(c, "SELECT name, dpm_role, dpm_version, agent_coordinator_path FROM hosts ORDER BY name") ==
        "name,dpm_role,dpm_version,agent_coordinator_path\r\n"
        "dpm01.contoso.com,server,10.19.58.0,"
        "C:\\Program Files\\Microsoft System Center\\DPM\\DPM\\ProtectionAgents\\AC\\10.19.58.0\\dpmac.exe\r\n"
        "fs01.contoso.com,target,10.19.58.0,"
        "C:\\Program Files\\Microsoft Data Protection Manager\\DPMAC\\bin\\dpmac.exe\r\n");
  CHECK(query(c, "SELECT h.name, i.product, i.version, i.result, i.result_code, i.first_line, i.last_line, "
                 "i.date_basis FROM installs i JOIN hosts h USING(host_id) ORDER BY h.name") ==
        "name,product,version,result,result_code,first_line,last_line,date_basis\r\n"
        "dpm01.contoso.com,Microsoft System Center DPM,10.19.58.0,success,0,1,11,M/D/YYYY\r\n"
        "fs01.contoso.com,Microsoft System Center DPM Protection Agent,10.19.58.0,success,0,1,39,M/D/YYYY\r\n");
  // An install is a push attempt of its host, timed by its header.
  CHECK(query(c, "SELECT target_host, datetime, kind FROM push_attempts WHERE kind = 'msi-install' ORDER BY "
                 "target_host") ==
        "target_host,datetime,kind\r\n"
        "dpm01.contoso.com,2021-02-15T08:00:00Z,msi-install\r\n"
        "fs01.contoso.com,2020-07-24T11:41:20Z,msi-install\r\n");
  CHECK(query(c, "SELECT count(*) FROM msi_log m JOIN events e USING(event_id) WHERE e.format = 'msi-log'") ==
        "count(*)\r\n37\r\n");
  CHECK(query(c, "SELECT count(*) FROM sources WHERE units_read <> rows_stored + rows_rejected + header_units") ==
        "count(*)\r\n0\r\n");
}
