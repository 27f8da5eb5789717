// evt-text: wevtutil qe /f:text in English and German.
#include <catch2/catch.hpp>

#include <string>

#include "parsers/events/event_text_parser.h"
#include "tests/parsers/events/event_test_util.h"

using namespace pm;
using namespace pm::test;

namespace {
const EventTextParser kText;
}

TEST_CASE("evt-text fixtures match their golden dumps", "[parsers][evt-text]") {
  for (const auto& file : fixture_inputs({"evt-text"}, ".txt")) {
    auto p = parse_events(kText, file, "Europe/Berlin", "event");
    check_golden(p, file);
  }
}

TEST_CASE("evt-text reads English blocks", "[parsers][evt-text]") {
  auto p = parse_events(kText, testdata("evt-text/wevtutil_en.txt"), "Europe/Berlin", "event");
  REQUIRE(p.counts.rows_stored == 3);
  const auto& e = p.sink.events[0];
  const auto& w = p.sink.win_events[0];
  CHECK(e.time_us == parse_iso8601_us("2020-07-24T14:21:33.456Z"));
  CHECK(w.filetime == std::optional<int64_t>(132400740934560000));
  CHECK(e.location == 1);
  CHECK(e.offset == 0);
  CHECK(e.host == "fs01.contoso.com");
  CHECK(w.channel == "System");
  CHECK(w.provider == "Service Control Manager");
  CHECK(w.user_sid == "S-1-5-18");
  CHECK(w.level == Value{int64_t{4}});
  CHECK(e.message.rfind("A service was installed in the system.\n\nService Name:  DPMRA\nService File Name:  ", 0) == 0);
  CHECK(e.message.back() == 'm');  // trailing blank lines are not part of the message
  CHECK(p.sink.win_events[1].user_sid.empty());  // N/A
  CHECK(p.sink.events[1].message.find("\n\nLogon Information:\n\tLogon Type:\t\t3") != std::string::npos);
  CHECK(p.sink.events[2].level == Level::error);
  CHECK(p.sink.events[2].location == 44);  // the line of Event[2]:
}

TEST_CASE("evt-text reads German labels in UTF-16 and flags DST ambiguity", "[parsers][evt-text]") {
  auto p = parse_events(kText, testdata("evt-text/wevtutil_de_utf16.txt"), "Europe/Berlin", "event");
  REQUIRE(p.counts.rows_stored == 2);
  CHECK(p.sink.win_events[0].provider == "Service Control Manager");
  CHECK(p.sink.win_events[0].task_text == "Keine");
  CHECK(p.sink.win_events[0].level_text == "Informationen");
  CHECK(p.sink.events[0].message == "Ein Dienst wurde im System installiert.\n\nDienstname:  DPMRA");
  CHECK(p.sink.events[1].level == Level::error);
  CHECK((p.sink.events[1].flags & event_flags::local_ambiguous) != 0);  // 2020-10-25 02:30 happened twice
  CHECK(p.sink.events[1].offset > 2);
}

TEST_CASE("evt-text rejects what it cannot read", "[parsers][evt-text]") {
  auto p = parse_events(kText, testdata("evt-text/damaged.txt"), "Europe/Berlin", "event");
  CHECK(p.counts.units_read == 5);
  CHECK(p.counts.rows_stored == 2);
  REQUIRE(p.counts.rows_rejected == 3);
  CHECK(p.sink.rejects[0].location == 1);
  CHECK(p.sink.rejects[0].reason == "text before the first Event[N]: line");
  CHECK(p.sink.rejects[1].reason == "Event ID 'seven' is not a number");
  CHECK(p.sink.rejects[2].reason == "Date '24/07/2020 16:21' is not a date and time");
  CHECK(p.sink.events[1].time_us == parse_iso8601_us("2020-07-24T14:21:33.456Z"));  // a 'Z' date is UTC
  CHECK(p.sink.events[1].flags == 0);
  check_open_fails(kText, testdata("evt-text/missing.txt"));
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "Event[" + std::to_string(i) + "]:\n  Source: S\n  Event ID: 1\n";
  TempFile big("many.txt", many);
  check_cancelled(kText, big);
}
