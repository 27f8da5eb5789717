// End-to-end: DPM trace logs (*.errlog) through the real binary. A small
// bundle (a DPM server's MSDPM trace in UTF-16LE, a target's
// AgentBootStrapper crash snapshot in UTF-8, a file no parser reads) is
// ingested; the case must hold the trace rows, the year basis in `sources`,
// and the push_attempts rows of the attempt lines.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/run_cli.h"

using namespace pm::test;

namespace {

namespace fs = std::filesystem;

std::string utf16le_with_bom(const std::string& ascii) {
  std::string out = "\xFF\xFE";
  for (char c : ascii) out += c, out += '\0';
  return out;
}

void write_file(const fs::path& p, const std::string& bytes, int64_t mtime_s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
  auto sys = std::chrono::sys_seconds{std::chrono::seconds{mtime_s}};
  fs::last_write_time(p, std::chrono::file_clock::from_sys(sys));
}

// Runs a query; returns the CSV output with CRLF turned into LF.
std::string query(const std::string& case_file, const std::string& sql) {
  auto r = run_pm("query --case " + quote(case_file) + " --format csv " + quote(sql));
  INFO(sql << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  std::string out;
  for (char c : r.out)
    if (c != '\r') out += c;
  return out;
}

const char* kMsdpm =
    "0A1C\t0B40\t12/"
    "31\t23:59:00.000\t09\tagentmanager.cpp(412)\t[0000000002C4E2A0]\t5B2D6F1E-3C4A-4E8B-9F10-2A7C6D8E9F01\t"
    "NORMAL\tInstall agent on fs01.contoso.com (agent version 10.19.58.0)\r\n"
    "0A1C\t0B44\t01/01\t00:00:05.120\t09\tdcomhelper.cpp(188)\t[0000000002C4E2A0]\t\tWARNING\t"
    "CoCreateInstanceEx for the Agent Coordinator on fs01.contoso.com failed: Hr: = [0x800706BA]\r\n"
    "0A1C\t0B40\t01/01\t00:00:05.200\t09\tagentmanager.cpp(611)\t[0000000002C4E2A0]\t\tERROR\t"
    "failed to install agent on fs01.contoso.com, error id: 319 (0x800706BA)\r\n"
    "Error details: The RPC server is unavailable (0x800706BA)\r\n"
    "\r\n"
    "0A1C\t0B40\t01/01\t00:00:06.000\tZZ\tagentmanager.cpp(640)\t\t\tNORMAL\tbad tag\r\n"
    "0A1C\t0B40\t01/01\t00:00:06.001\t09\tagentmanager.cpp(641)\t\t\tNORMAL\tRetry scheduled\r\n";

const char* kBootstrapper =
    "0F2C\t1A30\t01/01\t00:00:01.017\t02\tagentbootstrapper.cpp(182)\t\t\tNORMAL\t"
    "AgentBootStrapper started, command line: install /syncserver:dpm01.contoso.com\n"
    "0F2C\t1A30\t01/01\t00:00:04.990\t02\tagentbootstrapper.cpp(301)\t\t\tCRITICAL\t"
    "Failed: Hr: = [0x80010119] Security must be initialized before any interfaces are marshalled\n";

constexpr int64_t kServerMtime = 1735711200;  // 2025-01-01T06:00:00Z
constexpr int64_t kTargetMtime = 1735690200;  // 2025-01-01T00:10:00Z

}  // namespace

TEST_CASE("ingest of DPM trace logs: rows, year basis, push attempts", "[cli][errlog]") {
  TempDir tmp;
  fs::path bundle = tmp.path / "bundle";
  write_file(bundle / "dpm01.contoso.com" / "MSDPMCurr.errlog", utf16le_with_bom(kMsdpm), kServerMtime);
  write_file(bundle / "fs01.contoso.com" / "AgentBootStrapperCurr.errlog.2025-01-01_00-00-05.Crash", kBootstrapper,
             kTargetMtime);
  write_file(bundle / "fs01.contoso.com" / "notes.txt", "collected by the admin\n", kTargetMtime);
  std::string c = tmp.str("case.db");
  auto r = run_pm("ingest -q " + quote(bundle.string()) + " --case " + quote(c));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);

  CHECK(query(c,
              "SELECT s.path, h.name, s.format, s.encoding, s.units_read, s.rows_stored, s.rows_rejected, "
              "s.header_units, s.units_read = s.rows_stored + s.rows_rejected + s.header_units "
              "FROM sources s LEFT JOIN hosts h USING(host_id) WHERE s.format = 'dpm-errlog' ORDER BY s.path") ==
        "path,name,format,encoding,units_read,rows_stored,rows_rejected,header_units,"
        "s.units_read = s.rows_stored + s.rows_rejected + s.header_units\n"
        "dpm01.contoso.com/MSDPMCurr.errlog,dpm01.contoso.com,dpm-errlog,UTF-16LE,7,5,1,1,1\n"
        "fs01.contoso.com/AgentBootStrapperCurr.errlog.2025-01-01_00-00-05.Crash,fs01.contoso.com,dpm-errlog,UTF-8,"
        "2,2,0,0,1\n");

  CHECK(query(c, "SELECT time_basis FROM sources WHERE format = 'dpm-errlog' ORDER BY path") ==
        "time_basis\n"
        "\"file time 2025-01-01T06:00:00Z: the last dated record (line 7, 01/01) is in 2025, the latest year that does "
        "not put it after the file time + 1 day; 1 year rollover in the file (a date going back by 28 days or more): "
        "the first dated record (line 1, 12/31) is in 2024\"\n"
        "\"file time 2025-01-01T00:10:00Z: the last dated record (line 2, 01/01) is in 2025, the latest year that does "
        "not put it after the file time + 1 day; no year rollover in the file\"\n");

  CHECK(query(c,
              "SELECT t.datetime, t.location, t.event_code, t.level, d.binary, d.variant, d.pid, d.code_line, "
              "d.hresults, d.error_ids, d.hosts, d.attempt_target FROM timeline t JOIN dpm_trace d USING(event_id) "
              "ORDER BY t.source_file, t.location") ==
        "datetime,location,event_code,level,binary,variant,pid,code_line,hresults,error_ids,hosts,attempt_target\n"
        "2024-12-31T23:59:00.000000Z,1,,info,MSDPM,tab,0A1C,412,,,fs01.contoso.com,fs01.contoso.com\n"
        "2025-01-01T00:00:05.120000Z,2,0x800706BA,warning,MSDPM,tab,0A1C,188,0x800706BA,,fs01.contoso.com,\n"
        "2025-01-01T00:00:05.200000Z,3,319,error,MSDPM,tab,0A1C,611,0x800706BA,319,fs01.contoso.com,fs01.contoso.com\n"
        "2025-01-01T00:00:05.200000Z,4,0x800706BA,error,MSDPM,continuation,0A1C,611,0x800706BA,,,\n"
        "2025-01-01T00:00:06.001000Z,7,,info,MSDPM,tab,0A1C,641,,,,\n"
        "2025-01-01T00:00:01.017000Z,1,,info,AgentBootStrapper,tab,0F2C,182,,,dpm01.contoso.com,\n"
        "2025-01-01T00:00:04.990000Z,2,0x80010119,critical,AgentBootStrapper,tab,0F2C,301,0x80010119,,,\n");

  CHECK(query(c, "SELECT reason FROM rejected JOIN sources USING(source_id) WHERE format = 'dpm-errlog'") ==
        "reason\nmalformed DPM trace line: field 5 'ZZ' is not a hexadecimal tag\n");

  CHECK(query(c,
              "SELECT target_host, datetime, error_id, hresult, source_file, location FROM push_attempts "
              "WHERE kind = 'dpm-trace' ORDER BY location") ==
        "target_host,datetime,error_id,hresult,source_file,location\n"
        "fs01.contoso.com,2024-12-31T23:59:00.000000Z,,,dpm01.contoso.com/MSDPMCurr.errlog,1\n"
        "fs01.contoso.com,2025-01-01T00:00:05.200000Z,319,0x800706BA,dpm01.contoso.com/MSDPMCurr.errlog,3\n");

  // --year names the year of the last record; it wins over the file time.
  std::string c2 = tmp.str("case2.db");
  REQUIRE(
      run_pm("ingest -q " + quote((bundle / "dpm01.contoso.com").string()) + " --case " + quote(c2) + " --year 2030")
          .exit_code == 0);
  CHECK(query(c2, "SELECT min(datetime), max(datetime) FROM timeline WHERE format = 'dpm-errlog'") ==
        "min(datetime),max(datetime)\n2029-12-31T23:59:00.000000Z,2030-01-01T00:00:06.001000Z\n");
  CHECK(query(c2,
              "SELECT time_basis LIKE '--year 2030 is the year of the last dated record (line 7, 01/01);%' AS ok "
              "FROM sources WHERE format = 'dpm-errlog'") == "ok\n1\n");
}
