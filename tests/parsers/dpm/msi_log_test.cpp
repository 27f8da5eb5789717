// Tests for the MSI verbose log parser (parsers/dpm/msi_log_parser.cpp) and its
// locale-date rules (parsers/dpm/msi_dates.cpp). Fixtures: testdata/msi/<case>.log
// with golden dumps <case>.expected (counts line + pm::test::dump_rows);
// PM_UPDATE_GOLDEN=1 rewrites them: review the diff.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "parsers/core/time_util.h"
#include "parsers/dpm/msi_dates.h"
#include "parsers/dpm/msi_log_parser.h"
#include "support/parse_fixture.h"
#include "tests/parsers/dpm/sniff_everything.h"

namespace {

namespace fs = std::filesystem;
using pm::test::Parsed;

const pm::MsiLogParser& parser() {
  static const pm::MsiLogParser p;
  return p;
}

fs::path fixture(const std::string& name) { return pm::test::testdata("msi/" + name); }

// parse_file's checks, and one event with one MsiLineRow a stored line.
Parsed parse(const fs::path& file, const std::string& zone = "UTC") {
  Parsed p = pm::test::parse_file(parser(), file, zone);
  INFO(file.string() << ": " << pm::test::counts_line(p.counts));
  CHECK(p.sink.events.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.msi_lines.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.push_errors.empty());
  return p;
}

void counts(const Parsed& p, int64_t read, int64_t stored, int64_t rejected, int64_t headers) {
  INFO(pm::test::counts_line(p.counts));
  CHECK(p.counts.units_read == read);
  CHECK(p.counts.rows_stored == stored);
  CHECK(p.counts.rows_rejected == rejected);
  CHECK(p.counts.header_units == headers);
}

std::string iso(const std::optional<int64_t>& us) { return us ? pm::format_iso8601_short(*us) : "NULL"; }
int64_t num(const pm::Value& v) {
  REQUIRE(std::holds_alternative<int64_t>(v));
  return std::get<int64_t>(v);
}

// The index of the event of the given line (its MsiLineRow has the same index).
size_t index_of(const Parsed& p, int64_t line) {
  for (size_t i = 0; i < p.sink.events.size(); ++i)
    if (p.sink.events[i].location == line) return i;
  FAIL("no event at line " << line);
  throw;
}
const pm::EventRow& at_line(const Parsed& p, int64_t line) { return p.sink.events[index_of(p, line)]; }
const pm::MsiLineRow& msi_at(const Parsed& p, int64_t line) { return p.sink.msi_lines[index_of(p, line)]; }

}  // namespace

TEST_CASE("msi-log: every fixture matches its golden dump", "[parsers][msi]") {
  auto logs = pm::test::fixture_inputs({"msi"}, ".log");
  REQUIRE(logs.size() >= 9);
  for (const auto& log : logs) {
    INFO(log.filename().string());
    pm::test::check_golden(parse(log), log);
  }
}

TEST_CASE("msi-log: a successful agent install (ANSI, US date) names the agent", "[parsers][msi]") {
  Parsed p = parse(fixture("agent_success_us.log"));
  counts(p, 39, 30, 0, 9);  // 9 = header + footer + 1 blank + 6 property lines
  REQUIRE(p.sink.installs.size() == 1);
  const auto& in = p.sink.installs[0];
  CHECK(in.product == "Microsoft System Center DPM Protection Agent");
  CHECK(in.version == "10.19.58.0");
  CHECK(in.result == "success");
  CHECK(num(in.result_code) == 0);
  CHECK(in.failing_action.empty());
  CHECK(in.date_basis == "M/D/YYYY");
  CHECK(iso(in.start_us) == "2020-07-24T11:41:20Z");
  CHECK(iso(in.end_us) == "2020-07-24T11:41:28Z");
  CHECK(in.first_line == 1);
  CHECK(in.last_line == 39);
  CHECK(p.counts.time_basis == "M/D/YYYY");
  // The untimed RunEngine continuation takes the time of the line before it.
  CHECK(iso(at_line(p, 7).time_us) == "2020-07-24T11:41:20.701000Z");
  CHECK(msi_at(p, 7).local_time.empty());
  CHECK(msi_at(p, 6).local_time == "2020-07-24 11:41:20:701");
  CHECK(msi_at(p, 6).context == "c");
  CHECK(msi_at(p, 6).process_thread == "A4:C8");
  // A custom action thread keeps its '!'.
  CHECK(msi_at(p, 26).process_thread == "74!C4");
  CHECK(pm::test::facts(p.sink, "dpm_role") == std::vector<std::string>{"target"});
  CHECK(pm::test::facts(p.sink, "dpm_version") == std::vector<std::string>{"10.19.58.0"});
  CHECK(pm::test::facts(p.sink, "agent_coordinator_path") ==
        std::vector<std::string>{R"(C:\Program Files\Microsoft Data Protection Manager\DPMAC\bin\dpmac.exe)"});
}

TEST_CASE("msi-log: a 1603 failure (UTF-16LE, German date) names the failing action", "[parsers][msi]") {
  Parsed p = parse(fixture("agent_1603_de_utf16.log"));
  counts(p, 25, 20, 0, 5);  // header, footer, 3 property lines
  REQUIRE(p.sink.installs.size() == 1);
  const auto& in = p.sink.installs[0];
  CHECK(in.result == "failure");
  CHECK(num(in.result_code) == 1603);
  CHECK(in.failing_action == "InstallFinalize");
  CHECK(in.date_basis == "D.M.YYYY");
  CHECK(iso(in.start_us) == "2020-07-24T14:02:11Z");
  const auto& ended = at_line(p, 15);
  CHECK(ended.event_code == "action-end");
  CHECK(ended.level == pm::Level::error);
  const auto& error_1920 = at_line(p, 13);  // untimed: the time of line 12
  CHECK(error_1920.event_code == "error");
  CHECK(iso(error_1920.time_us) == "2020-07-24T14:04:15.730000Z");
  CHECK(at_line(p, 22).event_code == "install-status");
  CHECK(at_line(p, 22).level == pm::Level::error);
}

TEST_CASE("msi-log: 3010 is success with a reboot required (UK date)", "[parsers][msi]") {
  Parsed p = parse(fixture("agent_3010_uk.log"));
  counts(p, 15, 13, 0, 2);
  REQUIRE(p.sink.installs.size() == 1);
  CHECK(p.sink.installs[0].result == "reboot-required");
  CHECK(num(p.sink.installs[0].result_code) == 3010);
  CHECK(p.sink.installs[0].date_basis == "D/M/YYYY");
  CHECK(p.sink.installs[0].version == "10.22.123.0");
  CHECK(iso(p.sink.installs[0].start_us) == "2020-07-24T09:15:02Z");
}

TEST_CASE("msi-log: an ambiguous date decided by the footer, across midnight", "[parsers][msi]") {
  Parsed p = parse(fixture("ambiguous_footer.log"));
  counts(p, 14, 12, 0, 2);
  REQUIRE(p.sink.installs.size() == 1);
  const auto& in = p.sink.installs[0];
  CHECK(in.date_basis.rfind("M/D/YYYY (ambiguous 3/7/2020; decided by header 3/7/2020 (line 1) and footer 3/8/2020", 0) == 0);
  CHECK(iso(in.start_us) == "2020-03-07T23:59:50Z");
  CHECK(iso(in.end_us) == "2020-03-08T00:00:40Z");
  CHECK(in.result == "cancelled");
  CHECK(num(in.result_code) == 1602);
  // Line 6 steps back 8 ms: same day, flagged; line 7 steps back a day's worth: the next day.
  CHECK((at_line(p, 6).flags & pm::event_flags::out_of_order) != 0);
  CHECK(at_line(p, 5).flags == 0);
  CHECK(iso(at_line(p, 7).time_us) == "2020-03-08T00:00:00Z");
  CHECK(at_line(p, 7).flags == 0);
  CHECK(msi_at(p, 7).local_time == "2020-03-08 0:00:00");
  CHECK(msi_at(p, 7).action == "CostFinalize");
  CHECK(at_line(p, 10).level == pm::Level::warning);  // Return value 2
  CHECK(num(msi_at(p, 10).return_value) == 2);
  CHECK(at_line(p, 13).level == pm::Level::warning);  // MainEngineThread is returning 1602
}

TEST_CASE("msi-log: a date nothing decides is read month first and flagged", "[parsers][msi]") {
  Parsed p = parse(fixture("ambiguous_unresolved.log"));
  counts(p, 10, 8, 0, 2);
  REQUIRE(p.sink.installs.size() == 1);
  const auto& in = p.sink.installs[0];
  CHECK(in.date_basis.rfind("ambiguous: 5/6/2020 read as M/D/YYYY (D/M/YYYY would give 2020-06-05)", 0) == 0);
  CHECK(p.counts.time_basis == in.date_basis);
  CHECK(iso(in.start_us) == "2020-05-06T10:20:30Z");
  CHECK(in.failing_action == "CheckPrerequisites");
  CHECK(num(in.result_code) == 1603);
  CHECK(at_line(p, 6).event_code == "error");  // CustomAction ... returned actual error code 1603
}

TEST_CASE("msi-log: two installs in one file; the second header decides the first's date", "[parsers][msi]") {
  Parsed p = parse(fixture("two_installs_uk.log"));
  counts(p, 16, 12, 0, 4);
  REQUIRE(p.sink.installs.size() == 2);
  CHECK(p.sink.installs[0].date_basis == "D/M/YYYY (ambiguous 05/06/2020; decided by header 14/06/2020 at line 10)");
  CHECK(iso(p.sink.installs[0].start_us) == "2020-06-05T10:00:00Z");
  CHECK(p.sink.installs[0].result == "failure");
  CHECK(num(p.sink.installs[0].result_code) == 1603);  // MainEngineThread is returning 1603
  CHECK(p.sink.installs[0].failing_action == "InstallInitialize");
  CHECK(p.sink.installs[1].date_basis == "D/M/YYYY");
  CHECK(p.sink.installs[1].result == "success");
  CHECK(p.sink.installs[1].first_line == 10);
  CHECK(p.sink.installs[1].last_line == 16);
  // The version of the successful install is the machine's.
  CHECK(pm::test::facts(p.sink, "dpm_version") == std::vector<std::string>{"10.19.861.0"});
}

TEST_CASE("msi-log: garbage lines are rejected with a reason", "[parsers][msi]") {
  Parsed p = parse(fixture("garbage.log"));
  counts(p, 13, 4, 6, 3);  // blank, header, footer
  std::vector<int64_t> lines;
  for (const auto& r : p.sink.rejects) lines.push_back(r.location);
  CHECK(lines == std::vector<int64_t>{1, 5, 6, 7, 8, 13});
  CHECK(p.sink.rejects[0].reason.find("outside any install") != std::string::npos);
  CHECK(p.sink.rejects[1].reason.find("malformed MSI line prefix") != std::string::npos);
  CHECK(p.sink.rejects[2].reason.find("invalid time") != std::string::npos);
  CHECK(p.sink.rejects[3].reason.find("Action line") != std::string::npos);
  CHECK(p.sink.rejects[4].reason.find("control characters") != std::string::npos);
  REQUIRE(p.sink.installs.size() == 1);
  CHECK(p.sink.installs[0].result == "success");
}

TEST_CASE("msi-log: lines without a header are one install with an unknown date", "[parsers][msi]") {
  Parsed p = parse(fixture("headerless.log"));
  counts(p, 7, 7, 0, 0);
  for (const auto& e : p.sink.events) CHECK_FALSE(e.time_us);
  REQUIRE(p.sink.installs.size() == 1);
  CHECK(p.sink.installs[0].date_basis == "no header: date unknown");
  CHECK(p.sink.installs[0].result == "failure");
  CHECK(p.sink.installs[0].failing_action == "InstallFinalize");
  CHECK(msi_at(p, 1).local_time == "11:41:21:013");
}

TEST_CASE("msi-log: a DPM server setup log names the server, its version and coordinator", "[parsers][msi]") {
  Parsed p = parse(fixture("server_setup.log"));
  counts(p, 11, 7, 0, 4);
  CHECK(pm::test::facts(p.sink, "dpm_role") == std::vector<std::string>{"server"});
  CHECK(pm::test::facts(p.sink, "dpm_version") == std::vector<std::string>{"10.19.58.0"});
  CHECK(pm::test::facts(p.sink, "agent_coordinator_path") ==
        std::vector<std::string>{
            R"(C:\Program Files\Microsoft System Center\DPM\DPM\ProtectionAgents\AC\10.19.58.0\dpmac.exe)"});
}

TEST_CASE("msi-log: local times use the source's zone; no zone flags every timed row", "[parsers][msi]") {
  Parsed ny = parse(fixture("agent_success_us.log"), "America/New_York");
  CHECK(iso(ny.sink.installs[0].start_us) == "2020-07-24T15:41:20Z");  // EDT
  for (const auto& e : ny.sink.events) CHECK((e.flags & pm::event_flags::zone_unknown) == 0);
  Parsed unknown = parse(fixture("agent_success_us.log"), "");
  for (const auto& e : unknown.sink.events) CHECK((e.flags & pm::event_flags::zone_unknown) != 0);
}

TEST_CASE("msi-log: sniffing claims MSI logs and nothing else", "[parsers][msi]") {
  int mine = pm::test::sniff_everything(parser(), [](const std::string& rel) {
    // and the agent install logs of the scenario bundles (MSDPM*.log)
    std::string name = rel.substr(rel.find_last_of('/') + 1);
    return rel.rfind("msi/", 0) == 0 || (rel.rfind("bundles/", 0) == 0 && name.rfind("MSDPM", 0) == 0 && name.ends_with(".log"));
  });
  CHECK(mine >= 9);
}

TEST_CASE("msi-log: a missing file fails, a cancelled parse stops", "[parsers][msi]") {
  pm::test::check_open_fails(parser(), fixture("no_such_file.log"));
  std::string body = "=== Verbose logging started: 7/24/2020  11:41:20  Build type: SHIP UNICODE ===\n" +
                     pm::test::repeated("MSI (s) (74:A8) [11:41:21:013]: Doing action: INSTALL\n", 5000);
  pm::test::TempFile big("MSDPM1.log", body);
  pm::test::check_cancelled(parser(), big);
}

TEST_CASE("msi dates: one date's order, and a file's", "[parsers][msi]") {
  using namespace pm::msi;
  auto d = [](const char* t) {
    auto r = parse_locale_date(t);
    REQUIRE(r);
    return *r;
  };
  CHECK(implied_order(d("7/24/2020")) == DateOrder::month_first);
  CHECK(implied_order(d("24/07/2020")) == DateOrder::day_first);
  CHECK(implied_order(d("24.07.2020")) == DateOrder::day_first);
  CHECK(implied_order(d("07.08.2020")) == DateOrder::day_first);  // dotted locales are day first
  CHECK(implied_order(d("2020-07-24")) == DateOrder::year_first);
  CHECK_FALSE(implied_order(d("7/8/2020")));
  CHECK(civil_days(d("24.07.20"), DateOrder::day_first) == pm::days_from_civil(2020, 7, 24));
  CHECK_FALSE(parse_locale_date("10.19.58.0"));
  CHECK_FALSE(parse_locale_date("13/13/2020"));
  CHECK(order_name(d("24/07/2020"), DateOrder::day_first) == "D/M/YYYY");

  std::vector<DateClue> clues = {{d("7/8/2020"), 1, "header", 0}, {d("7/8/2020"), 9, "footer", 0}};
  CHECK_FALSE(decide_order(clues, 0).resolved);
  // mtime 2020-08-07 (day first reading of 7/8/2020).
  auto by_mtime = decide_order(clues, pm::days_from_civil(2020, 8, 7) * 86400 + 3600);
  CHECK(by_mtime.resolved);
  CHECK(by_mtime.order == DateOrder::day_first);
  clues.push_back({d("13/8/2020"), 20, "Date:", -1});
  CHECK(decide_order(clues, 0).order == DateOrder::day_first);

  CHECK(parse_time_of_day("11:41:29") == 42089000);
  CHECK(parse_time_of_day("12:44:33:484") == 45873484);
  CHECK(parse_time_of_day("1:05:00 PM") == 47100000);
  CHECK(parse_time_of_day("12:00:00 AM") == 0);
  CHECK_FALSE(parse_time_of_day("25:00:00"));
  CHECK_FALSE(parse_time_of_day("11:41:2x"));
}
