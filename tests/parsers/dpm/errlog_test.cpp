// Tests for the DPM trace log parser (parsers/dpm/errlog_parser.cpp) and its
// helpers (errlog_line, errlog_year, dpm_text). Fixtures: testdata/errlog/
// <case>.errlog with golden dumps <case>.expected (the counts, the
// time_basis and the rows; PM_UPDATE_GOLDEN=1 rewrites them; review the diff).
// The SourceRef of each case (display name, --year, mtime, host reference)
// comes from case_options(). No real DPM log is public: the fixtures are
// written from ../shared/formats/dpm.md.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/time_util.h"
#include "parsers/dpm/dpm_text.h"
#include "parsers/dpm/errlog_line.h"
#include "parsers/dpm/errlog_parser.h"
#include "parsers/dpm/errlog_year.h"
#include "parsers/registry.h"
#include "support/parse_fixture.h"

namespace {

namespace fs = std::filesystem;
using pm::test::Parsed;

const pm::ErrlogParser& parser() {
  static const pm::ErrlogParser p;
  return p;
}

fs::path fixture(const std::string& name) { return pm::test::testdata("errlog/" + name); }

struct Options {
  std::string display = "MSDPMCurr.errlog";
  std::optional<int> year = 2024;
  int64_t mtime = 0;
  std::optional<int64_t> host_reference_us;
};

int64_t iso_s(const char* t) { return *pm::parse_iso8601_us(t) / pm::kMicrosPerSecond; }

Options case_options(const std::string& stem) {
  Options o;
  if (stem == "utf16le_bom") o.display = "fs01/AgentBootStrapperCurr.errlog";
  if (stem == "utf16le_nobom") o.display = "fs01/DPMRA3.errlog";
  if (stem == "utf8") o.display = "dpm01/DPMUICurr.errlog";
  if (stem == "findstr_prefix") o.display = "findstr-output.txt";
  if (stem == "crash") o.display = "fs01/DPMRACurr.errlog.2024-03-12_14-05-09.Crash";
  if (stem == "rollover") o.year = 2025;
  if (stem == "mtime_year") o.year.reset(), o.mtime = iso_s("2024-01-05T10:00:00Z");
  if (stem == "host_reference") o.year.reset(), o.host_reference_us = *pm::parse_iso8601_us("2022-07-01T00:00:00Z");
  if (stem == "unknown_year") o.year.reset();
  return o;
}

int current_utc_year() {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return std::stoi(pm::format_iso8601_short(s.count() * pm::kMicrosPerSecond).substr(0, 4));
}

// Every parse goes through here: parse_file's checks with this parser's
// SourceRef options, and one event and one trace row per stored row.
Parsed parse(const fs::path& file, const Options& o) {
  INFO("parsing " << file.string());
  REQUIRE(fs::exists(file));
  pm::test::TestSource src(file);
  src.ref.display_path = o.display;
  src.ref.year = o.year;
  src.ref.mtime = o.mtime;
  src.ref.host_reference_us = o.host_reference_us;
  Parsed p;
  auto r = parser().parse(src.ref, p.sink);
  INFO(r.status().message());
  REQUIRE(r);
  p.counts = r.value();
  INFO(pm::test::counts_line(p.counts));
  CHECK(p.counts.units_read == p.counts.rows_stored + p.counts.rows_rejected + p.counts.header_units);
  CHECK(p.counts.reconciles());
  CHECK(p.counts.unit == "line");
  CHECK(p.counts.units_read == static_cast<int64_t>(pm::test::line_count(file)));
  CHECK(p.sink.rejects.size() == static_cast<size_t>(p.counts.rows_rejected));
  CHECK(p.sink.events.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.traces.size() == static_cast<size_t>(p.counts.rows_stored));
  return p;
}
Parsed parse_case(const std::string& stem) { return parse(fixture(stem + ".errlog"), case_options(stem)); }

void check_counts(const Parsed& p, int64_t read, int64_t stored, int64_t rejected, int64_t header) {
  INFO(pm::test::counts_line(p.counts));
  CHECK(p.counts.units_read == read);
  CHECK(p.counts.rows_stored == stored);
  CHECK(p.counts.rows_rejected == rejected);
  CHECK(p.counts.header_units == header);
}

std::string iso(const pm::EventRow& e) { return e.time_us ? pm::format_iso8601_short(*e.time_us) : "NULL"; }

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

}  // namespace

TEST_CASE("errlog: every fixture matches its golden dump", "[parsers][errlog]") {
  auto logs = pm::test::fixture_inputs({"errlog"}, ".errlog");
  REQUIRE(logs.size() >= 15);
  for (const auto& log : logs) {
    std::string stem = log.stem().string();
    INFO("fixture " << stem);
    Parsed p = parse_case(stem);
    std::string actual =
        pm::test::counts_line(p.counts) + "\ntime_basis\t" + p.counts.time_basis + "\n" + pm::test::dump_rows(p.sink);
    if (stem == "unknown_year") actual = replace_all(actual, std::to_string(current_utc_year()), "<current year>");
    auto expected_file = fixture(stem + ".expected");
    std::string expected = pm::test::golden(expected_file.string(), actual);
    REQUIRE_FALSE(expected.empty());
    CHECK(actual == expected);
  }
}

TEST_CASE("errlog: tab variant fields, levels, codes and tabs inside the message", "[parsers][errlog]") {
  Parsed p = parse_case("tab_variant");
  check_counts(p, 7, 7, 0, 0);
  const auto& e = p.sink.events;
  const auto& r = p.sink.traces;
  CHECK(iso(e[0]) == "2024-03-12T14:02:11.105000Z");
  CHECK(e[0].level == pm::Level::info);
  CHECK(e[0].location == 1);
  CHECK(e[0].offset == 0);
  CHECK(e[1].offset > 0);
  CHECK(r[0].binary == "MSDPM");
  CHECK(r[0].variant == "tab");
  CHECK(r[0].pid == "0A1C");
  CHECK(r[0].tid == "0B40");
  CHECK(r[0].tag == "09");
  CHECK(r[0].code_file == "agentmanager.cpp");
  CHECK(std::get<int64_t>(r[0].code_line) == 412);
  CHECK(r[0].object == "0000000002C4E2A0");
  CHECK(r[0].task_guid == "5B2D6F1E-3C4A-4E8B-9F10-2A7C6D8E9F01");
  CHECK(r[0].attempt_target == "fs01.contoso.com");
  CHECK(e[2].level == pm::Level::warning);
  CHECK(e[2].event_code == "0x800706BA");
  CHECK(e[3].level == pm::Level::error);
  CHECK(e[3].event_code == "319");  // the DPM error id wins over the HRESULT
  CHECK(r[3].hresults == "0x800706BA");
  CHECK(e[4].message == "Agent operation finished\tstatus=Failed\tErrorCode=319");
  CHECK(r[4].object.empty());
  CHECK(r[4].task_guid.empty());
  CHECK(r[5].attempt_target == "FS01");
  CHECK(r[6].trace_level == "INFO");
  CHECK(e[6].message.empty());
  CHECK(p.counts.time_basis ==
        "--year 2024 is the year of the last dated record (line 7, 03/12); no year rollover in the file");
}

TEST_CASE("errlog: UTF-16LE with and without BOM and UTF-8 decode the same way", "[parsers][errlog]") {
  Parsed bom = parse_case("utf16le_bom");
  check_counts(bom, 4, 4, 0, 0);
  CHECK(bom.sink.traces[0].binary == "AgentBootStrapper");
  CHECK(bom.sink.events[0].offset == 2);  // after the BOM
  CHECK(bom.sink.events[3].message ==
        "Failed: Hr: = [0x8007041D] Der Dienst antwortete nicht rechtzeitig – Zugriff über DCOM prüfen");
  CHECK(bom.sink.events[3].level == pm::Level::critical);
  CHECK(bom.sink.traces[2].hresults == "0x8007041D");  // "failed with error code: 8007041d"
  Parsed nobom = parse_case("utf16le_nobom");
  check_counts(nobom, 3, 3, 0, 0);
  CHECK(nobom.sink.traces[0].binary == "DPMRA");
  CHECK(nobom.sink.events[0].offset == 0);
  CHECK(nobom.sink.events[2].message == "Listening for dpm01.contoso.com on port 5718 – état: prêt");
  CHECK(nobom.sink.traces[2].hosts == "dpm01.contoso.com");
  Parsed utf8 = parse_case("utf8");
  check_counts(utf8, 2, 2, 0, 0);
  CHECK(utf8.sink.traces[0].binary == "DPMUI");
  CHECK(utf8.sink.events[1].message.rfind("Échec de l’installation : Error 319:", 0) == 0);
  CHECK(utf8.sink.events[1].event_code == "319");
}

TEST_CASE("errlog: space variant and findstr prefixes", "[parsers][errlog]") {
  Parsed sp = parse_case("space_variant");
  check_counts(sp, 4, 4, 0, 0);
  const auto& r = sp.sink.traces;
  CHECK(r[0].variant == "space");
  CHECK(r[0].object == "00000000003970D0");
  CHECK(r[0].task_guid.empty());
  CHECK(sp.sink.events[0].message == "CVssSnapshotRequestor:: AddToSnapshotSet");
  CHECK(r[1].object.empty());
  CHECK(r[1].task_guid == "8AE83798-...-CA66582965");
  CHECK(sp.sink.events[1].level == pm::Level::critical);
  CHECK(sp.sink.events[2].message == "Failed: Hr: = [0x80070005]   Access is denied.");
  CHECK(r[3].task_guid == "8AE83798-6D2B-4E7B-9C1A-0D3CA6658296");
  CHECK(sp.sink.events[3].message.empty());

  Parsed fs = parse_case("findstr_prefix");
  check_counts(fs, 3, 3, 0, 0);
  for (const auto& t : fs.sink.traces) CHECK(t.variant == "findstr");
  CHECK(fs.sink.traces[0].binary == "DPMRA");
  CHECK(fs.sink.traces[1].binary == "DPMRA");
  CHECK(fs.sink.traces[1].code_file == "dpmra.cpp");
  CHECK(fs.sink.traces[2].binary == "MSDPM");  // C:\...\MSDPMCurr.errlog:1532: (findstr /N)
  CHECK(fs.sink.traces[2].pid == "0A1C");
  CHECK(fs.sink.traces[2].attempt_target == "fs01.contoso.com");
}

TEST_CASE("errlog: the year: rollover, --year, file time, host reference, unknown", "[parsers][errlog]") {
  Parsed ro = parse_case("rollover");
  check_counts(ro, 6, 6, 0, 0);
  std::vector<std::string> times;
  for (const auto& e : ro.sink.events) times.push_back(iso(e));
  CHECK(times == std::vector<std::string>{"2024-12-31T23:58:10Z", "2024-12-31T23:59:59.990000Z",
                                          "2025-01-01T00:00:00.010000Z", "2024-12-31T23:59:59.995000Z",
                                          "2025-01-01T00:01:00Z", "2025-01-02T08:00:00Z"});
  CHECK(ro.sink.events[3].flags == pm::event_flags::out_of_order);  // the late line of the old year
  CHECK(ro.sink.events[4].flags == 0);
  CHECK(ro.counts.time_basis.find("1 year rollover in the file") != std::string::npos);
  CHECK(ro.counts.time_basis.find("the first dated record (line 1, 12/31) is in 2024") != std::string::npos);

  Parsed mt = parse_case("mtime_year");  // file time 2024-01-05: 12/31 cannot be 2024-12-31
  CHECK(iso(mt.sink.events[1]) == "2023-12-31T09:00:05Z");
  CHECK(mt.counts.time_basis.rfind("file time 2024-01-05T10:00:00Z: the last dated record (line 2, 12/31) is in 2023",
                                   0) == 0);
  Options late = case_options("mtime_year");
  late.mtime = iso_s("2023-12-30T12:00:00Z");  // 12/31 00:00 is within mtime + 1 day
  CHECK(iso(parse(fixture("mtime_year.errlog"), late).sink.events[1]) == "2023-12-31T09:00:05Z");
  late.mtime = iso_s("2023-12-29T12:00:00Z");  // not: the year before
  CHECK(iso(parse(fixture("mtime_year.errlog"), late).sink.events[1]) == "2022-12-31T09:00:05Z");

  Parsed hr = parse_case("host_reference");
  CHECK(iso(hr.sink.events[0]) == "2022-06-15T09:00:00Z");
  CHECK(hr.counts.time_basis.rfind("latest dated time of the same host 2022-07-01T00:00:00Z", 0) == 0);

  Options both = case_options("mtime_year");  // --year wins over the file time
  both.year = 2019;
  CHECK(iso(parse(fixture("mtime_year.errlog"), both).sink.events[0]) == "2019-12-30T09:00:00Z");

  Parsed un = parse_case("unknown_year");
  const std::string y = std::to_string(current_utc_year());
  CHECK(iso(un.sink.events[1]) == y + "-01-02T12:00:00Z");
  CHECK(un.sink.events[1].flags == pm::event_flags::year_assumed);  // the guess is visible on every row
  CHECK(un.counts.time_basis.rfind("year unknown: " + y + " assumed", 0) == 0);
}

TEST_CASE("errlog: crash file and multi-line messages (continuation rows)", "[parsers][errlog]") {
  Parsed c = parse_case("crash");
  check_counts(c, 5, 5, 0, 0);
  CHECK(c.sink.traces[0].binary == "DPMRA");
  CHECK(c.sink.traces[1].hresults == "0x80010119");
  for (size_t i : {2u, 3u}) {
    INFO("line " << i + 1);
    CHECK(c.sink.traces[i].variant == "continuation");
    CHECK(c.sink.traces[i].pid == "180C");
    CHECK(c.sink.traces[i].code_file == "everettexception.cpp");
    CHECK(c.sink.events[i].time_us == c.sink.events[1].time_us);
    CHECK(c.sink.events[i].level == pm::Level::critical);
    CHECK(c.sink.traces[i].hosts.empty());  // .NET names are not hosts
  }
  CHECK(c.sink.events[2].message ==
        "   at Microsoft.Internal.EnterpriseStorage.Dls.Utils.DcomHelper.InitializeSecurity()");
  CHECK(c.sink.events[4].level == pm::Level::critical);  // FATAL

  Parsed m = parse_case("multiline");
  check_counts(m, 9, 8, 0, 1);  // the blank line inside the message is a header unit
  const auto& r = m.sink.traces;
  CHECK(r[0].attempt_target == "fs01.contoso.com");
  CHECK(r[1].variant == "continuation");
  CHECK(r[1].error_ids == "319");
  CHECK(m.sink.events[1].event_code == "319");
  CHECK(m.sink.events[1].location == 2);
  CHECK(r[1].attempt_target.empty());  // the same attempt as its record
  CHECK(r[1].hosts == "fs01.contoso.com");
  CHECK(r[2].variant == "continuation");
  CHECK(m.sink.events[2].location == 4);
  CHECK(r[2].hresults == "0x800706BA");
  CHECK(r[3].variant == "tab");
  CHECK(m.sink.events[4].message == "\tattempted: 1\tfailed: 1");
  CHECK(r[4].code_file == "agentmanager.cpp");
}

TEST_CASE("errlog: garbage lines are rejected with reasons and counted", "[parsers][errlog]") {
  Parsed p = parse_case("garbage");
  check_counts(p, 24, 12, 11, 1);
  auto reason = [&](int64_t line) -> std::string {
    for (const auto& r : p.sink.rejects)
      if (r.location == line) return r.reason;
    return "(stored)";
  };
  CHECK(reason(1) == "not a DPM trace line, and no trace record before it to continue");
  CHECK(reason(4) == "malformed DPM trace line: date '13/45' is not MM/DD");
  CHECK(reason(5) == "not a DPM trace line, and line 4 before it was rejected: nothing to continue");
  CHECK(reason(7) == "malformed DPM trace line: time '25:00:00.000' is out of range");
  CHECK(reason(9) == "malformed DPM trace line: found 8 tab-separated fields, expected 10");
  CHECK(reason(11) == "malformed DPM trace line: field 5 'XYZ' is not a hexadecimal tag");
  CHECK(reason(13) == "malformed DPM trace line: field 9 'NOR-MAL' is not a trace level");
  CHECK(reason(15) == "malformed DPM trace line: no trace level (NORMAL, WARNING, ERROR, ...) after the source(line)");
  CHECK(reason(17) == "malformed DPM trace line: no source(line) after the tag (found 'dpmra.cpp')");
  CHECK(reason(19) == "control characters or undecodable bytes: not a DPM trace line");
  CHECK(reason(20) == "not a DPM trace line, and line 19 before it was rejected: nothing to continue");
  CHECK(p.sink.rejects[0].raw == "This is not a trace line");
  CHECK(p.sink.rejects[0].offset == 0);
  for (const auto& t : p.sink.traces) CHECK(t.variant == "tab");
}

TEST_CASE("errlog: HRESULTs, DPM error ids and host names in messages", "[parsers][errlog]") {
  Parsed p = parse_case("extraction");
  check_counts(p, 13, 13, 0, 0);
  struct Want {
    const char *hresults, *error_ids, *hosts, *target;
  };
  const Want want[] = {
      {"0x80070005", "", "", ""},
      {"0x1B7AFBE0", "", "", ""},
      {"0x800706BA,0x80070721", "", "", ""},
      {"0x800706BA,0x80070005", "", "", ""},
      {"", "", "", ""},
      {"", "319", "name.contoso.com", "name.contoso.com"},
      {"0x80010119", "347", "", ""},
      {"", "347,308,313,270", "", ""},
      {"", "", "", ""},
      {"", "", "dpm01.contoso.com,FS01.CONTOSO.COM", ""},
      {"", "", "", ""},
      {"", "", "FS02", ""},
      {"", "", "", ""},
  };
  for (size_t i = 0; i < std::size(want); ++i) {
    const auto& r = p.sink.traces[i];
    INFO("line " << i + 1 << ": " << p.sink.events[i].message);
    CHECK(r.hresults == want[i].hresults);
    CHECK(r.error_ids == want[i].error_ids);
    CHECK(r.hosts == want[i].hosts);
    CHECK(r.attempt_target == want[i].target);
  }
}

TEST_CASE("errlog: agent operation targets", "[parsers][errlog]") {
  Parsed p = parse_case("attempt_target");
  const char* want[] = {
      "fs01.contoso.com", "FS01", "sql01.contoso.com", "10.0.0.21", "web-02", "App01.contoso.local", "", "", ""};
  REQUIRE(p.sink.traces.size() == std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    INFO("line " << i + 1 << ": " << p.sink.events[i].message);
    CHECK(p.sink.traces[i].attempt_target == want[i]);
  }
  CHECK(p.sink.traces[7].hosts == "fs01.contoso.com");  // mentioned, but no agent operation
}

TEST_CASE("errlog: sniff claims trace logs and nothing else", "[parsers][errlog]") {
  auto mine = pm::test::fixture_inputs({"errlog"}, ".errlog");
  pm::test::check_sniff_claims(parser(), {}, mine, [](const std::string&) { return true; });
  for (const auto& f : mine) {  // and ingest would pick this parser
    auto head = pm::read_head(f);
    REQUIRE(head);
    auto decision = pm::sniff_all(head.value());
    REQUIRE(decision.parser);
    CHECK(decision.parser->name() == "dpm-errlog");
  }
  std::vector<fs::path> others;
  for (const auto& e : fs::recursive_directory_iterator(pm::test::testdata("")))
    if (e.is_regular_file() && e.path().extension() != ".expected" && e.path().parent_path().filename() != "errlog" &&
        e.path().filename().string().find(".errlog") == std::string::npos)  // another test's bundle may hold one
      others.push_back(e.path());
  REQUIRE(others.size() >= 20);
  pm::test::check_sniff_claims(parser(), {}, others, [](const std::string&) { return false; });
  const char* texts[] = {
      "=== Verbose logging started: 7/24/2020  12:44:33  Build type: SHIP UNICODE 5.00.7601.00  Calling process: "
      "C:\\Windows\\system32\\msiexec.exe ===\r\nMSI (s) (74:A8) [12:44:33:484]: Resetting cached policy values\r\n"
      "Action start 11:41:29: InstallFinalize.\r\n",
      "Install protection agent on name.contoso.com failed:\r\nError 319: The agent operation failed.\r\n"
      "Error details: The RPC server is unavailable (0x800706BA)\r\n",
      "2019-03-05 09:14:02 ALLOW TCP 10.1.20.15 10.1.20.5 52144 445 0 - 0 0 0 - - - SEND\r\n",
      "0990 17D8 11/05\r\nsome text\r\nmore text\r\n",
  };
  for (const char* t : texts) {
    pm::test::TempFile f("x.errlog", t);
    INFO(t);
    CHECK(pm::test::sniff_file(parser(), f).score < 50);
  }
}

TEST_CASE("errlog: line splitting, file names, year rules", "[parsers][errlog]") {
  pm::dpm::TraceLine t;
  std::string why;
  using M = pm::dpm::TraceMatch;
  CHECK(pm::dpm::split_trace_line("1\t2\t1/2\t3:04:05\t0\tx.cs(1)\t\t\tNORMAL\t", t, why) == M::trace);
  CHECK(t.time_of_day_us == (3 * 3600 + 4 * 60 + 5) * int64_t{1000000});
  CHECK(pm::dpm::split_trace_line("at 1 2 3/4 5:06:07", t, why) == M::other);
  CHECK(pm::dpm::split_trace_line("123456789\t2\t01/02\t03:04:05.000", t, why) == M::other);  // pid > 8 digits
  int m = 0, d = 0;
  CHECK(pm::dpm::leading_trace_date("x.errlog:7:0A\t0B\t02/29\t00:00:00.000\tcut", m, d));
  CHECK((m == 2 && d == 29));
  CHECK_FALSE(pm::dpm::leading_trace_date("0A\t0B\t00/12\t00:00:00.000", m, d));

  using pm::dpm::binary_from_file_name;
  CHECK(binary_from_file_name("a/b/MSDPMCurr.errlog") == "MSDPM");
  CHECK(binary_from_file_name("C:\\Temp\\dpmra12.errlog") == "DPMRA");
  CHECK(binary_from_file_name("AgentBootStrapperCurr.errlog.2024-03-12_10-15-00.Crash") == "AgentBootStrapper");
  CHECK(binary_from_file_name("NAME-DPMRACurr.errlog") == "DPMRA");
  CHECK(binary_from_file_name("MyToolCurr.errlog") == "MyTool");
  CHECK(binary_from_file_name("").empty());

  pm::dpm::YearTracker y;  // 06/10 -> 06/09 (out of order) -> 03/01 (quiet spell: new year) -> 12/30 (late)
  CHECK(y.feed(6, 10) == 0);
  CHECK(y.feed(6, 9) == 0);
  CHECK(y.feed(3, 1) == 1);
  CHECK(y.feed(1, 2) == 2);
  CHECK(y.feed(12, 30) == 1);
  CHECK(y.feed(1, 3) == 2);
  CHECK(y.rollovers() == 2);

  pm::dpm::DateScan scan;
  scan.dated_lines = 1, scan.last_line = 1, scan.last_month = 2, scan.last_day = 29;
  pm::test::TestSource src("none");
  src.ref.mtime = iso_s("2023-06-01T00:00:00Z");  // 02/29: the latest leap year before
  CHECK(pm::dpm::choose_year(scan, src.ref, 0).first_year == 2020);
}

TEST_CASE("errlog: limits, cancel, missing file, and the first pass agrees with the parse", "[parsers][errlog]") {
  const std::string rec = "0A\t0B\t03/12\t10:00:00.000\t09\tx.cpp(1)\t\t\tNORMAL\tstart\n";
  pm::test::TempFile many("MSDPMCurr.errlog", rec + pm::test::repeated("   at frame\n", 502));
  Parsed p = parse(many, Options{});
  check_counts(p, 503, 501, 2, 0);
  CHECK(p.sink.rejects[0].reason == "more than 500 continuation lines after the record at line 1");

  pm::test::TempFile longline("MSDPMCurr.errlog", rec + std::string((1 << 20) + 10, 'x') + "\n" + rec);
  Parsed l = parse(longline, Options{});
  check_counts(l, 3, 2, 1, 0);
  CHECK(l.sink.rejects[0].reason == "line longer than 1 MiB: not a DPM trace line");

  pm::test::check_open_fails(parser(), fixture("does_not_exist.errlog"));
  pm::test::TempFile big("MSDPMCurr.errlog", pm::test::repeated(rec, 5000));
  pm::test::check_cancelled(parser(), big);

  // UTF-16LE over several 1 MiB chunks: long findstr prefixes (past the
  // first pass's 64-unit look), a 600 KiB line, and a rollover every 4000
  // lines (12/30 -> 01/02, 06/01, 12/30 -> 01/02). The last record must land
  // in the file time's year.
  std::string text, prefix = "C:\\Program Files\\Microsoft System Center\\DPM\\DPM\\Temp\\MSDPMCurr.errlog:";
  const char* dates[] = {"12/30", "01/02", "06/01", "12/30", "01/02"};
  for (int i = 0; i < 20000; ++i) {
    if (i == 7000) text += std::string(600 * 1024, 'y') + "\r\n";
    text += (i % 3 ? "" : prefix) + "0A\t0B\t" + dates[i / 4000] + "\t10:00:00.000\t09\tx.cpp(1)\t\t\tNORMAL\tm\r\n";
  }
  std::string wide = "\xFF\xFE";
  for (char c : text) wide += c, wide += '\0';
  pm::test::TempFile w("MSDPMCurr.errlog", wide);
  Options o;
  o.year.reset();
  o.mtime = iso_s("2030-01-03T00:00:00Z");
  Parsed big16 = parse(w, o);
  check_counts(big16, 20001, 20001, 0, 0);  // the long line continues its record
  CHECK(iso(big16.sink.events.back()) == "2030-01-02T10:00:00Z");
  CHECK(iso(big16.sink.events.front()) == "2028-12-30T10:00:00Z");
  CHECK(big16.counts.time_basis.find("2 year rollovers") != std::string::npos);
}
