// Crash consistency (issue #7, section 3): `ingest` killed with SIGKILL at
// random points of a large bundle leaves a case that passes PRAGMA
// integrity_check and holds whole sources only; ingesting again ends with the
// same case as one clean ingest.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "support/run_cli.h"

#ifndef _WIN32
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace pm::test;
namespace fs = std::filesystem;

#ifndef _WIN32
namespace {

// A pfirewall.log with `rows` data rows in local time (LF, 18 columns).
void write_firewall_log(const fs::path& file, int rows, int salt) {
  std::ofstream out(file, std::ios::binary);
  out << "#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n"
         "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin "
         "icmptype icmpcode info path pid\n\n";
  for (int i = 0; i < rows; ++i) {
    int s = i / 7;
    char line[200];
    std::snprintf(line, sizeof line, "2024-03-%02d %02d:%02d:%02d %s %s 10.%d.%d.%d 10.0.0.21 %d %d 0 - - - - - - - %s %d\n",
                  12 + s / 86400, s / 3600 % 24, s / 60 % 60, s % 60, i % 3 ? "ALLOW" : "DROP", i % 5 ? "TCP" : "UDP",
                  salt, i / 250 % 250, i % 250 + 1, 1024 + i % 60000, i % 4 ? 135 : 5718, i % 2 ? "RECEIVE" : "SEND",
                  4 + i % 900);
    out << line;
  }
}

void copy_into(const fs::path& from, const fs::path& to_dir) {
  fs::create_directories(to_dir);
  fs::copy_file(from, to_dir / from.filename(), fs::copy_options::overwrite_existing);
}

// The bundle: two scenario hosts (EVTX, errlog, netsh, systeminfo, ipconfig,
// console errors, firewall logs), a host known only from the systeminfo in
// its folder (`server/` is a common folder name, so the host and the zone of
// server/pfirewall.log come from the host facts beside it), every errlog
// variant, two more EVTX files and the netsh dumps; about 260,000 rows.
void build_bundle(const fs::path& root) {
  for (const char* host : {"fs01.contoso.com", "dpm01.contoso.com"})
    for (const auto& e : fs::directory_iterator(testdata(std::string("bundles/fw-no-drops/") + host)))
      copy_into(e.path(), root / host);
  write_firewall_log(root / "fs01.contoso.com" / "pfirewall_domain.log", 90000, 1);
  write_firewall_log(root / "dpm01.contoso.com" / "pfirewall_public.log", 90000, 2);
  copy_into(testdata("bundles/service-timeout/web01.contoso.com/systeminfo.txt"), root / "server");
  write_firewall_log(root / "server" / "pfirewall.log", 80000, 3);
  for (const auto& e : fs::directory_iterator(testdata("errlog")))
    if (e.path().extension() == ".errlog") copy_into(e.path(), root / "traces");
  for (const auto& e : fs::directory_iterator(testdata("hunt/evtx"))) copy_into(e.path(), root / "evtx");
  for (const auto& e : fs::directory_iterator(testdata("netsh")))
    if (e.path().extension() == ".txt") copy_into(e.path(), root / "netsh");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CSV rows end in CRLF
    out.push_back(line);
  }
  return out;
}

std::string query_csv(const std::string& case_file, const std::string& sql) {
  auto r = run_pm("query --case " + quote(case_file) + " --format csv " + quote(sql));
  INFO(sql << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// The single value of a one-row, one-column query.
std::string scalar(const std::string& case_file, const std::string& sql) {
  auto l = lines_of(query_csv(case_file, sql));
  REQUIRE(l.size() == 2);
  return l[1];
}

// What "identical" means. A case is its rows, not its bytes: row ids
// (hosts.host_id, sources.source_id, events.event_id, installs.install_id)
// are allocation order, which depends on which sources an earlier, killed
// run had committed and on the order parser threads finish, so every id is
// replaced by the stable key of the row it names (a source by its path, a
// host by its name, an event by source path, location and byte offset).
// sources.ingested_at is the wall clock of the run that stored the source and
// is left out. Everything else, every column of every table (found from the
// schema, so a new table or column is covered without touching this test),
// must be equal, NULL told apart from '' (quote()), rows in a total order; and so
// must the schema (the bulk-load indexes an ingest drops must be back).
struct CanonicalTable {
  std::string name;
  long rows = 0;
  std::string text;  // the whole ordered dump, one row per line
};

std::vector<CanonicalTable> canonical_dump(const std::string& case_file) {
  std::vector<CanonicalTable> out;
  // The schema too: indexes dropped for the bulk load must be back.
  CanonicalTable schema;
  schema.name = "sqlite_master";
  schema.text = query_csv(case_file, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
  schema.rows = static_cast<long>(std::count(schema.text.begin(), schema.text.end(), '\n')) - 1;
  out.push_back(std::move(schema));
  auto tables = lines_of(query_csv(case_file, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                              "'sqlite_%' ORDER BY name"));
  REQUIRE(tables.size() > 1);
  for (size_t t = 1; t < tables.size(); ++t) {
    const std::string& table = tables[t];
    // PRAGMA table_info rows: cid,name,type,notnull,dflt_value,pk (names hold no commas).
    auto info = lines_of(query_csv(case_file, "PRAGMA table_info(\"" + table + "\")"));
    std::vector<std::string> exprs;
    for (size_t c = 1; c < info.size(); ++c) {
      size_t a = info[c].find(',') + 1;
      const std::string col = info[c].substr(a, info[c].find(',', a) - a);
      std::string ref = "t.\"" + col + "\"";
      if ((table == "hosts" && col == "host_id") || (table == "sources" && col == "source_id") ||
          (table == "installs" && col == "install_id") || (table == "sources" && col == "ingested_at"))
        continue;
      if (table == "events" && col == "event_id") continue;
      if (col == "source_id" || col == "parent_id")
        exprs.push_back("quote((SELECT path FROM sources WHERE source_id = " + ref + "))");
      else if (col == "host_id")
        exprs.push_back("quote((SELECT name FROM hosts WHERE host_id = " + ref + "))");
      else if (col == "event_id")
        exprs.push_back("quote((SELECT s.path || '#' || e.location || '@' || e.byte_offset FROM events e JOIN sources s "
                        "USING(source_id) WHERE e.event_id = " + ref + "))");
      else
        exprs.push_back("quote(" + ref + ")");
    }
    REQUIRE_FALSE(exprs.empty());
    std::string select, order;
    for (size_t i = 0; i < exprs.size(); ++i) {
      select += (i ? " || char(9) || " : "") + exprs[i];
      order += (i ? ", " : "") + std::to_string(i + 1);
    }
    // One column per row (tab-joined), ordered by every column.
    std::string sql = "SELECT " + select + " AS r FROM (SELECT * FROM \"" + table + "\") t ORDER BY 1";
    CanonicalTable ct;
    ct.name = table;
    ct.text = query_csv(case_file, sql);
    ct.rows = static_cast<long>(std::count(ct.text.begin(), ct.text.end(), '\n')) - 1;
    out.push_back(std::move(ct));
  }
  return out;
}

// Compares two dumps table by table; on a difference names the table and the first differing row.
void check_same_case(const std::vector<CanonicalTable>& want, const std::vector<CanonicalTable>& got) {
  REQUIRE(want.size() == got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("table " << want[i].name << ": " << want[i].rows << " rows in the clean case, " << got[i].rows
                  << " after kills and a resumed ingest");
    REQUIRE(want[i].name == got[i].name);
    CHECK(want[i].rows == got[i].rows);
    if (want[i].text != got[i].text) {
      auto a = lines_of(want[i].text), b = lines_of(got[i].text);
      size_t k = 0;
      while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
      FAIL_CHECK("first difference at row " << k << ":\n  clean:   " << (k < a.size() ? a[k] : "<none>")
                                            << "\n  resumed: " << (k < b.size() ? b[k] : "<none>"));
    }
  }
}

// Per source: status, stored counts and the rows actually present. A case
// left by a kill must hold a subset of the clean case's lines (whole sources
// only: a source is there with all its rows or not at all).
std::vector<std::string> source_summary(const std::string& case_file) {
  auto out = lines_of(query_csv(
      case_file,
      "SELECT s.path || '|' || s.status || '|' || s.rows_stored || '|' || s.rows_rejected || '|' || "
      "(SELECT count(*) FROM events e WHERE e.source_id = s.source_id) || '|' || "
      "(SELECT count(*) FROM rejected r WHERE r.source_id = s.source_id) || '|' || "
      "(SELECT count(*) FROM firewall_log f JOIN events e USING(event_id) WHERE e.source_id = s.source_id) || '|' || "
      "(SELECT count(*) FROM win_event_data d JOIN events e USING(event_id) WHERE e.source_id = s.source_id) || '|' || "
      "(SELECT count(*) FROM firewall_rules r WHERE r.source_id = s.source_id) || '|' || "
      "(SELECT count(*) FROM host_facts f WHERE f.source_id = s.source_id) FROM sources s ORDER BY s.path"));
  out.erase(out.begin());  // header
  return out;
}

// Starts `pushmortem ingest BUNDLE --case CASE`, SIGKILLs it after `delay`;
// returns true when the kill landed (false: the ingest had already exited).
bool ingest_and_kill(const std::string& bundle, const std::string& case_file, std::chrono::milliseconds delay) {
  std::string bin = binary_path().string();
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
      dup2(null_fd, 1);
      dup2(null_fd, 2);
    }
    execl(bin.c_str(), bin.c_str(), "ingest", "-q", bundle.c_str(), "--case", case_file.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

}  // namespace

TEST_CASE("SIGKILL at random points of a large ingest: every kill leaves a sound case, resuming gives the clean case",
          "[cli][crash]") {
  TempDir tmp;
  fs::path root = tmp.path / "bundle";
  build_bundle(root);
  std::string bundle = root.string(), clean = tmp.str("clean.db");

  auto t0 = std::chrono::steady_clock::now();
  auto first = run_pm("ingest -q " + quote(bundle) + " --case " + quote(clean));
  auto clean_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const auto want = canonical_dump(clean);
  const auto want_sources = source_summary(clean);
  // The bundle has no duplicate content (a duplicate's reason names a source id
  // or a path depending on whether its twin came from an earlier run), no
  // failures, and the host-facts folder is attributed.
  CHECK(scalar(clean, "SELECT count(*) FROM sources WHERE status NOT IN ('ingested', 'skipped')") == "0");
  CHECK(query_csv(clean, "SELECT h.name, s.time_zone FROM sources s JOIN hosts h USING(host_id) WHERE s.path = "
                         "'server/pfirewall.log'")
            .find("WEB01,America/Los_Angeles") != std::string::npos);
  long events = 0;
  for (const auto& t : want)
    if (t.name == "events") events = t.rows;
  CHECK(events > 250000);

  // Kill points spread over the clean run's duration (seeded: the same points
  // on every run of this test on a given machine; any point must pass).
  std::mt19937 rng(20240312);
  std::uniform_real_distribution<double> fraction(0.02, 1.0);
  const int rounds = 6;
  int landed = 0;
  for (int round = 0; round < rounds; ++round) {
    std::string c = tmp.str("killed_" + std::to_string(round) + ".db");
    auto delay = std::chrono::milliseconds(static_cast<long>(fraction(rng) * static_cast<double>(clean_ms.count())));
    // Every other round kills twice: the second kill interrupts a resumed ingest.
    std::vector<std::chrono::milliseconds> delays = {delay};
    if (round % 2 == 1)
      delays.push_back(std::chrono::milliseconds(static_cast<long>(fraction(rng) * 0.6 * clean_ms.count())));
    for (auto d : delays) {
      INFO("round " << round << ": killed after " << d.count() << " ms of a " << clean_ms.count() << " ms ingest");
      if (ingest_and_kill(bundle, c, d)) ++landed;
      if (!fs::exists(c)) continue;  // killed before the case file was created
      auto ic = run_pm("query --case " + quote(c) + " --format csv " + quote("PRAGMA integrity_check"));
      if (ic.exit_code == 3) {
        // Killed before the schema was committed: the case must say so, and holds nothing.
        CHECK(ic.err.find("holds no case yet") != std::string::npos);
        continue;
      }
      INFO(ic.err);
      REQUIRE(ic.exit_code == 0);
      CHECK(lines_of(ic.out) == std::vector<std::string>{"integrity_check", "ok"});
      // Whole sources only: every source present is exactly as in the clean case.
      for (const auto& line : source_summary(c)) {
        INFO(line);
        CHECK(std::find(want_sources.begin(), want_sources.end(), line) != want_sources.end());
      }
      CHECK(scalar(c, "SELECT count(*) FROM events WHERE source_id NOT IN (SELECT source_id FROM sources WHERE "
                      "status = 'ingested')") == "0");
    }
    auto done = run_pm("ingest -q " + quote(bundle) + " --case " + quote(c));
    INFO("round " << round << ": resumed ingest: " << done.err);
    REQUIRE(done.exit_code == 0);
    CHECK(scalar(c, "PRAGMA integrity_check") == "ok");
    check_same_case(want, canonical_dump(c));
    fs::remove(c);
  }
  // The kills must have hit running ingests, or the test proved nothing.
  CHECK(landed >= rounds / 2);
}

#else
TEST_CASE("SIGKILL at random points of a large ingest (POSIX only)", "[cli][crash]") {
  WARN("fork/kill are POSIX: skipped on Windows");
}
#endif
