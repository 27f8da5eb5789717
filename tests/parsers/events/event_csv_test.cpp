// evt-csv: Event Viewer CSV and PowerShell Export-Csv, and the small CSV reader.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "parsers/events/csv_reader.h"
#include "parsers/events/event_csv_parser.h"
#include "parsers/events/event_fields.h"
#include "tests/parsers/events/event_test_util.h"

using namespace pm;
using namespace pm::test;

namespace {
const EventCsvParser kCsv;
}

TEST_CASE("CSV reader splits RFC 4180 fields", "[parsers][evt-csv][csv-reader]") {
  std::vector<std::string> f;
  CHECK(events::split_csv("a,b,,c", ',', f));
  CHECK(f == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(events::split_csv("\"a,b\",\"say \"\"hi\"\"\",x", ',', f));
  CHECK(f == std::vector<std::string>{"a,b", "say \"hi\"", "x"});
  CHECK(events::split_csv("\"multi\nline\";2", ';', f));
  CHECK(f == std::vector<std::string>{"multi\nline", "2"});
  CHECK(events::split_csv("", ',', f));
  CHECK(f == std::vector<std::string>{""});
  CHECK(events::split_csv("a\"b,c", ',', f));  // a quote inside an unquoted field is text
  CHECK(f == std::vector<std::string>{"a\"b", "c"});
  CHECK_FALSE(events::split_csv("\"open,x", ',', f));
  CHECK(events::csv_open_quote("a,\"b"));
  CHECK_FALSE(events::csv_open_quote("a,\"b\"\"c\""));
}

TEST_CASE("CSV reader joins quoted lines and recovers from an unclosed quote", "[parsers][evt-csv][csv-reader]") {
  TempFile f("r.csv", "h1,h2\r\n1,\"two\r\nlines\"\r\n2,\"never closed\r\n3,x\r\n4,y\r\n");
  auto lines = LineReader::open(f.path());
  REQUIRE(lines);
  events::CsvReader reader(lines.value(), ',');
  events::CsvRecord r;
  std::vector<std::string> got;
  std::vector<int64_t> first_lines;
  while (reader.next(r)) {
    got.push_back((r.unterminated ? "!" : "") + r.fields.back());
    first_lines.push_back(r.first_line);
  }
  CHECK(got == std::vector<std::string>{"h2", "two\nlines", "!never closed", "x", "y"});
  CHECK(first_lines == std::vector<int64_t>{1, 2, 4, 5, 6});
}

TEST_CASE("culture dates, levels and keywords", "[parsers][evt-csv]") {
  using events::DateOrder;
  auto at = [](const char* text, DateOrder o) {
    auto s = events::parse_local_stamp(text, o);
    return s ? format_iso8601_us(s->seconds * 1000000 + s->micros) : std::string("-");
  };
  CHECK(at("7/24/2020 4:21:33 PM", DateOrder::mdy) == "2020-07-24T16:21:33.000000Z");
  CHECK(at("7/24/2020 12:05:01 AM", DateOrder::mdy) == "2020-07-24T00:05:01.000000Z");
  CHECK(at("7/24/2020 12:05:01 PM", DateOrder::mdy) == "2020-07-24T12:05:01.000000Z");
  CHECK(at("24.07.2020 16:21:33", DateOrder::dmy) == "2020-07-24T16:21:33.000000Z");
  CHECK(at("24/07/2020 16:21", DateOrder::dmy) == "2020-07-24T16:21:00.000000Z");
  CHECK(at("2020-07-24T16:21:33.456", DateOrder::mdy) == "2020-07-24T16:21:33.456000Z");
  CHECK(at("2020-07-24 16:21:33", DateOrder::unknown) == "2020-07-24T16:21:33.000000Z");
  CHECK(at("13/24/2020 4:21:33 PM", DateOrder::mdy) == "-");
  CHECK(at("7/24/2020 13:21:33 PM", DateOrder::mdy) == "-");
  CHECK(at("7/24/2020", DateOrder::mdy) == "-");
  CHECK(at("x", DateOrder::mdy) == "-");
  CHECK(events::guess_date_order("24.07.2020 16:21:33") == DateOrder::dmy);
  CHECK(events::guess_date_order("7/24/2020 4:21:33 PM") == DateOrder::mdy);
  CHECK(events::guess_date_order("24/07/2020 16:21:33") == DateOrder::dmy);
  CHECK(events::guess_date_order("07/08/2020 16:21:33") == DateOrder::unknown);
  CHECK(events::guess_date_order("2020-07-24 16:21:33") == DateOrder::ymd);
  CHECK(events::level_number_from_name("Information") == std::optional<int64_t>(4));
  CHECK(events::level_number_from_name("Fehler") == std::optional<int64_t>(2));
  CHECK(events::level_number_from_name("\xc3\x9c" "berwachung gescheitert") == std::optional<int64_t>(0));
  CHECK_FALSE(events::level_number_from_name("Bogus"));
  CHECK(events::keywords_hex("-9187343239835811840") == "0x8080000000000000");
  CHECK(events::keywords_hex("36028797018963968") == "0x0080000000000000");
  CHECK(events::keywords_hex("0x8020000000000000") == "0x8020000000000000");
  CHECK(events::keywords_hex("Classic") == "Classic");
  CHECK(events::parse_utc_ticks("2020-07-24T14:21:33.4567891Z") == std::optional<int64_t>(132400740934567891));
  CHECK(events::parse_utc_ticks("2020-07-24T14:21:33Z") == std::optional<int64_t>(132400740930000000));
  CHECK_FALSE(events::parse_utc_ticks("2020-07-24T14:21:33.12a"));
}

TEST_CASE("evt-csv fixtures match their golden dumps", "[parsers][evt-csv]") {
  for (const auto& file : fixture_inputs({"evt-csv"}, ".csv")) {
    auto p = parse_events(kCsv, file, "Europe/Berlin", "record");
    check_golden(p, file);
  }
}

TEST_CASE("evt-csv reads Event Viewer CSV with local times", "[parsers][evt-csv]") {
  auto p = parse_events(kCsv, testdata("evt-csv/viewer_en.csv"), "Europe/Berlin", "record");
  CHECK(p.counts.header_units == 2);  // header, blank line
  REQUIRE(p.counts.rows_stored == 4);
  const auto& e = p.sink.events[0];
  CHECK(e.time_us == parse_iso8601_us("2020-07-24T14:21:33Z"));
  CHECK(e.location == 2);
  CHECK(e.event_code == "7045");
  CHECK(e.host.empty());
  CHECK(e.message.find("Service File Name:  \"C:\\Program Files") != std::string::npos);
  CHECK(e.message.find('\r') == std::string::npos);
  CHECK(p.sink.win_events[0].level == Value{int64_t{4}});
  CHECK(p.sink.win_events[0].provider == "Service Control Manager");
  CHECK(p.sink.events[2].level == Level::error);
  CHECK(p.sink.win_events[3].level_text == "Audit Failure");
  CHECK(p.sink.events[3].time_us == parse_iso8601_us("2020-07-23T22:05:01Z"));
  CHECK(p.counts.time_basis.find("M/D/YYYY") != std::string::npos);
  SECTION("no zone known: UTC assumed and flagged") {
    auto q = parse_events(kCsv, testdata("evt-csv/viewer_en.csv"), "", "record");
    CHECK(q.sink.events[0].time_us == parse_iso8601_us("2020-07-24T16:21:33Z"));
    CHECK((q.sink.events[0].flags & event_flags::zone_unknown) != 0);
  }
}

TEST_CASE("evt-csv: Event Viewer CSV takes its channel from the export's file name", "[parsers][evt-csv]") {
  std::ifstream in(testdata("evt-csv/viewer_en.csv").string(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(parse_events(kCsv, testdata("evt-csv/viewer_en.csv"), "UTC", "record").sink.win_events[0].channel.empty());
  for (auto [name, channel] : {std::pair<std::string, std::string>{"System.csv", "System"},
                               {"security.CSV", "Security"},
                               {"Microsoft-Windows-Windows Firewall With Advanced Security%4Firewall.csv",
                                "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"},
                               {"export-2020.csv", ""}}) {
    TempFile f(name, bytes);
    auto p = parse_events(kCsv, f.path(), "UTC", "record");
    REQUIRE(p.counts.rows_stored == 4);
    CHECK(p.sink.win_events[0].channel == channel);
  }
}

TEST_CASE("evt-csv reads German and Export-Csv variants", "[parsers][evt-csv]") {
  auto de = parse_events(kCsv, testdata("evt-csv/viewer_de_1252.csv"), "Europe/Berlin", "record");
  REQUIRE(de.counts.rows_stored == 3);
  CHECK(de.sink.win_events[2].level_text == "\xc3\x9c" "berwachung gescheitert");
  CHECK(de.sink.win_events[2].level == Value{int64_t{0}});
  CHECK(de.sink.events[2].time_us == parse_iso8601_us("2020-07-24T22:05:01Z"));
  CHECK(de.counts.time_basis.find("D/M/YYYY") != std::string::npos);

  auto ps = parse_events(kCsv, testdata("evt-csv/export_csv_type.csv"), "Europe/Berlin", "record");
  CHECK(ps.counts.header_units == 2);
  REQUIRE(ps.counts.rows_stored == 2);
  const auto& w = ps.sink.win_events[0];
  CHECK(w.keywords == "0x8080000000000000");
  CHECK(w.record_id == Value{int64_t{1186}});
  CHECK(w.qualifiers == Value{int64_t{16384}});
  CHECK(w.provider_guid == "{555908d1-a6d7-4695-8e1e-26931d2012f4}");
  CHECK(w.computer == "fs01.contoso.com");
  CHECK(ps.sink.events[0].host == "fs01.contoso.com");
  CHECK(ps.sink.events[0].location == 1186);
  CHECK(ps.sink.events[0].time_us == parse_iso8601_us("2020-07-24T14:21:33Z"));
  CHECK(std::holds_alternative<std::monostate>(ps.sink.win_events[1].qualifiers));
  CHECK(ps.sink.win_events[1].keywords == "0x8020000000000000");

  auto cult = parse_events(kCsv, testdata("evt-csv/export_csv_useculture.csv"), "Europe/Berlin", "record");
  REQUIRE(cult.counts.rows_stored == 1);
  CHECK(cult.sink.events[0].time_us == parse_iso8601_us("2020-07-24T14:21:33Z"));
  CHECK(cult.sink.win_events[0].level_text == "Informationen");
}

TEST_CASE("evt-csv rejects malformed records with their line and reason", "[parsers][evt-csv]") {
  auto p = parse_events(kCsv, testdata("evt-csv/damaged.csv"), "Europe/Berlin", "record");
  CHECK(p.counts.units_read == 8);
  CHECK(p.counts.rows_stored == 3);
  REQUIRE(p.counts.rows_rejected == 4);
  CHECK(p.sink.rejects[0].location == 3);
  CHECK(p.sink.rejects[0].reason.rfind("found 3 fields, expected 6", 0) == 0);
  CHECK(p.sink.rejects[1].reason == "event id '70x6' is not a number");
  CHECK(p.sink.rejects[2].reason == "date '13/45/2020 4:21:38 PM' is not a M/D/YYYY date and time");
  CHECK(p.sink.rejects[3].location == 7);
  CHECK(p.sink.rejects[3].reason.rfind("a quoted field does not close", 0) == 0);
  CHECK(p.sink.events.back().message == "The Z service entered the running state.");
  check_open_fails(kCsv, testdata("evt-csv/missing.csv"));
  TempFile notcsv("x.csv", "a,b,c\n1,2,3\n");
  TestSource src(notcsv.path());
  CollectingSink sink;
  auto r = kCsv.parse(src.ref, sink);
  REQUIRE_FALSE(r);
  CHECK(r.status().message() == "line 1 is not an Event Viewer or Export-Csv event header");
  std::string many = "Level,Date and Time,Source,Event ID,Task Category\n";
  for (int i = 0; i < 5000; ++i) many += "Information,7/24/2020 4:21:35 PM,S,1,None,m\n";
  TempFile big("many.csv", many);
  check_cancelled(kCsv, big);
}
