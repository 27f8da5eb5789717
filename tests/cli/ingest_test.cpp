// End-to-end tests of `pushmortem ingest` through the real binary.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "support/archive_writer.h"
#include "support/row_dump.h"
#include "support/run_cli.h"

using namespace pm::test;

namespace {

std::string bundle_dir() { return testdata("bundles/kb2981833").string(); }

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Everything in a case except what legitimately differs between runs
// (ingest time, the bundle argument, archive rows, row ids).
std::string case_fingerprint(const std::string& case_file) {
  const char* sql =
      "SELECT s.path, s.status, ifnull(s.format,''), s.sha256, ifnull(h.name,''), ifnull(s.time_zone,''), "
      "s.units_read, s.rows_stored, s.rows_rejected, s.header_units FROM sources s LEFT JOIN hosts h USING(host_id) "
      "WHERE s.status <> 'archive' ORDER BY s.path; "
      "SELECT s.path, e.time_us, ifnull(h.name,''), e.event_code, e.message, e.location, e.flags FROM events e "
      "JOIN sources s USING(source_id) LEFT JOIN hosts h ON h.host_id = e.host_id ORDER BY s.path, e.location; "
      "SELECT alias, kind FROM host_aliases ORDER BY alias; SELECT name, fqdn, netbios, time_zone FROM hosts ORDER BY name;";
  auto r = run_pm("query --case " + quote(case_file) + " --format csv " + quote(sql));
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("ingest of the sample bundle attributes hosts and zones", "[cli][ingest]") {
  TempDir tmp;
  std::string c = tmp.str("case.db");
  auto r = run_pm("ingest " + quote(bundle_dir()) + " --case " + quote(c));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("ingested         pfirewall") != std::string::npos);

  // fs01's pfirewall.log: local EDT (UTC-4 after 2024-03-10) from systeminfo in the same folder.
  auto q = run_pm("query --case " + quote(c) + " --format csv " +
                  quote("SELECT h.name, s.time_zone, s.time_zone_reason, s.host_reason FROM sources s JOIN hosts h "
                        "USING(host_id) WHERE s.format = 'pfirewall'"));
  REQUIRE(q.exit_code == 0);
  CHECK(q.out.find("fs01.contoso.com,America/New_York") != std::string::npos);
  CHECK(q.out.find("host facts:") != std::string::npos);
  CHECK(q.out.find("folder 'fs01.contoso.com'") != std::string::npos);
  auto t = run_pm("query --case " + quote(c) + " --format csv " +
                  quote("SELECT datetime FROM timeline WHERE format = 'pfirewall' AND location = 8"));
  CHECK(t.out.find("2024-03-12T18:05:11.000000Z") != std::string::npos);

  // systeminfo taught the case that FS01, fs01.contoso.com and 10.0.0.21 are one machine.
  auto h = run_pm("query --case " + quote(c) + " --format csv " +
                  quote("SELECT a.alias FROM host_aliases a JOIN hosts h USING(host_id) WHERE h.name = 'fs01.contoso.com' "
                        "ORDER BY a.alias"));
  CHECK(h.out.find("10.0.0.21") != std::string::npos);
  CHECK(h.out.find("FS01") != std::string::npos);

  // Every source reconciles.
  auto bad = run_pm("query --case " + quote(c) + " --format csv " +
                    quote("SELECT count(*) FROM sources WHERE units_read <> rows_stored + rows_rejected + header_units"));
  CHECK(bad.out.find("\n0") != std::string::npos);
}

TEST_CASE("timeline of the sample bundle matches its golden output", "[cli][ingest][golden]") {
  TempDir tmp;
  std::string c = tmp.str("case.db");
  REQUIRE(run_pm("ingest -q " + quote(bundle_dir()) + " --case " + quote(c)).exit_code == 0);
  auto r = run_pm("timeline --case " + quote(c));
  REQUIRE(r.exit_code == 0);
  std::string expected = golden(testdata("bundles/kb2981833.timeline.expected").string(), r.out);
  CHECK(r.out == expected);
}

TEST_CASE("re-ingesting the same content is a no-op that says so", "[cli][ingest]") {
  TempDir tmp;
  std::string c = tmp.str("case.db");
  REQUIRE(run_pm("ingest " + quote(bundle_dir()) + " --case " + quote(c)).exit_code == 0);
  std::string before = case_fingerprint(c);
  auto again = run_pm("ingest " + quote(bundle_dir()) + " --case " + quote(c));
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("nothing new") != std::string::npos);
  CHECK(again.out.find("already-ingested") != std::string::npos);
  CHECK(case_fingerprint(c) == before);
}

TEST_CASE("a folder bundle and the same bundle zipped give identical cases", "[cli][ingest]") {
  TempDir tmp;
  std::vector<ArchiveMember> members;
  for (const auto& e : std::filesystem::recursive_directory_iterator(bundle_dir())) {
    if (!e.is_regular_file()) continue;
    members.push_back({std::filesystem::relative(e.path(), bundle_dir()).generic_string(), read_file(e.path()), ""});
  }
  REQUIRE(members.size() >= 5);
  std::string zip = tmp.str("bundle.zip");
  REQUIRE(write_archive(zip, ArchiveKind::zip, members));
  std::string a = tmp.str("folder.db"), b = tmp.str("zip.db");
  REQUIRE(run_pm("ingest -q " + quote(bundle_dir()) + " --case " + quote(a)).exit_code == 0);
  REQUIRE(run_pm("ingest -q " + quote(zip) + " --case " + quote(b)).exit_code == 0);
  CHECK(case_fingerprint(a) == case_fingerprint(b));
  auto arch = run_pm("query --case " + quote(b) + " --format csv " +
                     quote("SELECT count(*) FROM sources WHERE status = 'archive' AND path = 'bundle.zip'"));
  CHECK(arch.out.find("\n1") != std::string::npos);
}

TEST_CASE("a hostile archive is refused entry by entry and the rest still ingests", "[cli][ingest][hostile]") {
  TempDir tmp;
  std::string fw = read_file(testdata("bundles/kb2981833/fs01.contoso.com/pfirewall.log"));
  std::string zip = tmp.str("evil.zip");
  REQUIRE(write_archive(zip, ArchiveKind::zip,
                        {{"../../pm_escape_test.txt", "escaped", ""},
                         {"/tmp/pm_absolute_test.txt", "absolute", ""},
                         {"fs01/pfirewall.log", fw, ""}}));
  std::string c = tmp.str("case.db");
  auto r = run_pm("ingest " + quote(zip) + " --case " + quote(c));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(tmp.path.parent_path().parent_path() / "pm_escape_test.txt"));
  CHECK_FALSE(std::filesystem::exists("/tmp/pm_absolute_test.txt"));
  auto q = run_pm("query --case " + quote(c) + " --format csv " +
                  quote("SELECT status, count(*) FROM sources GROUP BY status ORDER BY status"));
  CHECK(q.out.find("ingested,1") != std::string::npos);
  CHECK(q.out.find("refused,2") != std::string::npos);
}

TEST_CASE("bad --tz and a missing PATH fail with clear messages and exit codes", "[cli][ingest]") {
  TempDir tmp;
  auto tz = run_pm("ingest " + quote(bundle_dir()) + " --case " + quote(tmp.str("c.db")) + " --tz Mars/Olympus");
  CHECK(tz.exit_code == 2);
  CHECK(tz.err.find("unknown time zone 'Mars/Olympus'") != std::string::npos);
  auto missing = run_pm("ingest " + quote(tmp.str("nope")) + " --case " + quote(tmp.str("c.db")));
  CHECK(missing.exit_code == 3);
  CHECK(missing.err.find("nope") != std::string::npos);
}

TEST_CASE("every corpus firewall log ingests with independent row and action counts", "[cli][ingest][corpus]") {
  if (!have_shared_corpus()) {
    WARN("../shared/corpus not present: skipped");
    return;
  }
  for (const auto& e : std::filesystem::directory_iterator(shared_dir() / "corpus" / "firewall")) {
    if (e.path().extension() != ".log") continue;
    TempDir tmp;
    std::string c = tmp.str("case.db");
    auto r = run_pm("ingest -q " + quote(e.path().string()) + " --case " + quote(c) + " --tz UTC");
    REQUIRE(r.exit_code == 0);
    // Independent count with awk: data lines per action (column 3), headers and blanks excluded.
    auto awk = run_command("awk '!/^#/ && NF {print $3}' " + quote(e.path().string()) + " | sort | uniq -c");
    std::map<std::string, long> expected;
    std::istringstream in(awk.out);
    long n;
    std::string action;
    long total = 0;
    while (in >> n >> action) {
      expected[action] = n;
      total += n;
    }
    auto q = run_pm("query --case " + quote(c) + " --format csv " +
                    quote("SELECT action, count(*) FROM firewall_log GROUP BY action ORDER BY action"));
    std::map<std::string, long> got;
    std::istringstream qin(q.out);
    std::string line;
    std::getline(qin, line);  // header
    long stored = 0;
    while (std::getline(qin, line)) {
      auto comma = line.find(',');
      got[line.substr(0, comma)] = std::stol(line.substr(comma + 1));
      stored += std::stol(line.substr(comma + 1));
    }
    INFO(e.path().filename().string() << ": awk " << total << " data lines, stored " << stored);
    CHECK(got == expected);
    auto rej = run_pm("query --case " + quote(c) + " --format csv " + quote("SELECT rows_rejected, units_read, "
                                                                          "rows_stored + rows_rejected + header_units FROM sources"));
    std::istringstream rin(rej.out);
    std::getline(rin, line);
    std::getline(rin, line);
    CHECK(line.rfind("0,", 0) == 0);
  }
}
