// evt-xml: Event Viewer XML, wevtutil /f:xml and /f:RenderedXml.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "parsers/events/event_csv_parser.h"
#include "parsers/events/event_text_parser.h"
#include "parsers/events/event_xml_parser.h"
#include "parsers/registry.h"
#include "support/build_flavor.h"
#include "tests/parsers/events/event_test_util.h"

using namespace pm;
using namespace pm::test;

namespace {

const EventXmlParser kXml;

std::string event_xml(int record_id, const std::string& data_value) {
  return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='P'/>"
         "<EventID>7</EventID><Level>4</Level><TimeCreated SystemTime='2020-07-24T14:21:33.0000000Z'/>"
         "<EventRecordID>" +
         std::to_string(record_id) + "</EventRecordID><Computer>h</Computer></System><EventData><Data Name='v'>" +
         data_value + "</Data></EventData></Event>\r\n";
}

std::string utf16le(const std::string& ascii) {
  std::string out = "\xff\xfe";
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

}  // namespace

TEST_CASE("evt-xml fixtures match their golden dumps", "[parsers][evt-xml]") {
  for (const auto& file : fixture_inputs({"evt-xml"}, ".xml")) {
    auto p = parse_events(kXml, file, "", "event");
    check_golden(p, file);
  }
}

TEST_CASE("evt-xml reads an Event Viewer export", "[parsers][evt-xml]") {
  auto p = parse_events(kXml, testdata("evt-xml/viewer_export.xml"), "", "event");
  CHECK(p.counts.units_read == 4);
  CHECK(p.counts.rows_stored == 4);
  const auto& w = p.sink.win_events.at(0);
  const auto& e = p.sink.events.at(0);
  CHECK(w.provider == "Service Control Manager");
  CHECK(w.provider_guid == "{555908d1-a6d7-4695-8e1e-26931d2012f4}");
  CHECK(w.event_source_name == "Service Control Manager");
  CHECK(w.event_id == 7045);
  CHECK(w.qualifiers == Value{int64_t{16384}});
  CHECK(w.record_id == Value{int64_t{1186}});
  CHECK(w.keywords == "0x8080000000000000");
  CHECK(w.filetime == std::optional<int64_t>(132400740934567891));
  CHECK(w.process_id == Value{int64_t{680}});
  CHECK(w.user_sid == "S-1-5-18");
  CHECK(w.channel == "System");
  CHECK(w.level_text == "Information");
  CHECK(w.opcode_text == "Info");
  CHECK(w.data_kind == "EventData");
  CHECK(data_value(w, "ImagePath") == "\"C:\\Program Files\\Microsoft Data Protection Manager\\DPM\\bin\\DPMRA.exe\"");
  CHECK(e.time_us == std::optional<int64_t>(1595600493456789));
  CHECK(e.host == "fs01.contoso.com");
  CHECK(e.event_code == "7045");
  CHECK(e.level == Level::info);
  CHECK(e.location == 1186);
  CHECK(e.flags == 0);
  CHECK(e.message.rfind("A service was installed in the system.\n\nService Name:  DPMRA\n", 0) == 0);
  // <Binary> and unnamed Data (empty ones keep their place).
  CHECK(data_value(p.sink.win_events.at(1), "Binary") == "440050004D00520041002F0034000000");
  const auto& u = p.sink.win_events.at(3);
  REQUIRE(u.data.size() == 8);
  CHECK(u.data[0] == std::pair<std::string, std::string>{"Data[1]", ""});
  CHECK(u.data[4] == std::pair<std::string, std::string>{"Data[5]", "14"});
  CHECK(u.data[7].first == "Binary");
  CHECK(p.sink.events.at(3).message == "The system uptime is 14 seconds.");  // no RenderingInfo: template
  CHECK(p.sink.events.at(2).level == Level::error);
}

TEST_CASE("evt-xml reads wevtutil output without a root, UTF-16, UserData", "[parsers][evt-xml]") {
  auto p = parse_events(kXml, testdata("evt-xml/wevtutil_bare_utf16.xml"), "", "event");
  CHECK(p.counts.rows_stored == 3);
  CHECK(p.counts.rows_rejected == 0);
  const auto& logon = p.sink.win_events.at(0);
  CHECK(logon.event_id == 4624);
  CHECK(logon.version == Value{int64_t{2}});
  CHECK(data_value(logon, "IpAddress") == "10.0.0.5");
  std::string m = p.sink.events.at(0).message;
  CHECK(m.find("Impersonation Level:\t\tImpersonation") != std::string::npos);
  CHECK(m.find("\tSource Network Address:\t10.0.0.5") != std::string::npos);
  const auto& cleared = p.sink.win_events.at(1);
  CHECK(cleared.data_kind == "UserData");
  REQUIRE(cleared.data.size() == 4);
  CHECK(cleared.data[1] == std::pair<std::string, std::string>{"SubjectUserName", "Administrator"});
  // Offsets are file bytes: UTF-16, after the byte order mark.
  std::string bytes = read_bytes(testdata("evt-xml/wevtutil_bare_utf16.xml"));
  for (const auto& e : p.sink.events) {
    REQUIRE(e.offset >= 2);
    CHECK(bytes.substr(static_cast<size_t>(e.offset), 12) == std::string("<\0E\0v\0e\0n\0t\0", 12));
  }
  CHECK(p.sink.events.at(0).offset == 2);
}

TEST_CASE("evt-xml keeps localized RenderingInfo", "[parsers][evt-xml]") {
  auto p = parse_events(kXml, testdata("evt-xml/rendered_de.xml"), "", "event");
  REQUIRE(p.counts.rows_stored == 2);
  CHECK(p.sink.win_events[0].level_text == "Informationen");
  CHECK(p.sink.events[0].message == "Der Dienst \"DPM-Replikations-Agent\" befindet sich jetzt im Status \"Beendet\".");
  CHECK(p.sink.events[0].level == Level::info);
}

TEST_CASE("evt-xml rejects damaged events and resumes at the next event", "[parsers][evt-xml]") {
  auto p = parse_events(kXml, testdata("evt-xml/damaged.xml"), "", "event");
  INFO(counts_line(p.counts));
  CHECK(p.counts.rows_stored == 2);   // 6013 and 7045
  CHECK(p.counts.rows_rejected == 4);  // <Note>, mismatched tag, no EventID, cut off
  REQUIRE(p.sink.rejects.size() == 4);
  CHECK(p.sink.rejects[0].reason == "element <Note> (line 4) is not an <Event>");
  CHECK(p.sink.rejects[0].location == 4);
  const auto& bad = p.sink.rejects[1];
  CHECK(bad.location == 5);
  CHECK(bad.reason.rfind("event 2 (line 5): not well-formed XML: mismatched tag at line 5, column ", 0) == 0);
  CHECK(bad.reason.find("reading resumes at the next <Event> (line 6)") != std::string::npos);
  CHECK(p.sink.rejects[2].reason == "event 3 (line 6): no <System><EventID>");
  CHECK(p.sink.rejects[3].reason.find("event 5 (line 8): not well-formed XML") == 0);
  CHECK(p.sink.rejects[3].reason.find("no <Event> follows") != std::string::npos);
  std::string bytes = read_bytes(testdata("evt-xml/damaged.xml"));
  for (const auto& r : p.sink.rejects) CHECK(bytes.compare(static_cast<size_t>(r.offset), 1, "<") == 0);
  CHECK(p.sink.events[1].event_code == "7045");
}

TEST_CASE("evt-xml refuses DTDs and entity expansion", "[parsers][evt-xml]") {
  auto start = std::chrono::steady_clock::now();
  auto p = parse_events(kXml, testdata("evt-xml/entity_bomb.xml"), "", "event");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::duration<double>(5 * pm::test::time_factor));
  REQUIRE(p.counts.rows_stored == 1);
  CHECK(p.sink.win_events[0].event_id == 10028);
  REQUIRE(p.counts.rows_rejected == 2);
  CHECK(p.sink.rejects[0].reason.find("DOCTYPE declarations are refused") != std::string::npos);
  CHECK(p.sink.rejects[1].reason.find("undefined entity") != std::string::npos);
  for (const auto& r : p.sink.rejects) CHECK(r.raw.size() <= 4096);
}

TEST_CASE("evt-xml bounds nesting and handles large UTF-16 files", "[parsers][evt-xml]") {
  SECTION("deep nesting is one rejected event") {
    std::string deep;
    for (int i = 0; i < 200; ++i) deep += "<x>";
    for (int i = 0; i < 200; ++i) deep += "</x>";
    TempFile f("deep.xml", event_xml(1, "a") + event_xml(2, deep) + event_xml(3, "c"));
    auto p = parse_events(kXml, f, "", "event");
    CHECK(p.counts.rows_stored == 2);
    REQUIRE(p.counts.rows_rejected == 1);
    CHECK(p.sink.rejects[0].reason.find("nested deeper than 64") != std::string::npos);
  }
  SECTION("many events across chunk boundaries, UTF-16 with characters split between chunks") {
    std::string text;
    for (int i = 1; i <= 5000; ++i) text += event_xml(i, i % 7 ? "plain" : "&lt;&amp;&gt;");
    TempFile f("many.xml", utf16le(text));
    auto p = parse_events(kXml, f, "", "event");
    CHECK(p.counts.rows_stored == 5000);
    CHECK(p.sink.win_events[6].data[0].second == "<&>");
    std::string bytes = read_bytes(f);
    for (size_t i : {size_t{0}, size_t{1234}, size_t{4999}}) {
      auto off = static_cast<size_t>(p.sink.events[i].offset);
      CHECK(bytes.substr(off, 4) == std::string("<\0E\0", 4));
      CHECK(p.sink.events[i].location == static_cast<int64_t>(i + 1));
    }
  }
  SECTION("a cancelled parse stops") {
    std::string text;
    for (int i = 1; i <= 5000; ++i) text += event_xml(i, "v");
    TempFile f("cancel.xml", text);
    check_cancelled(kXml, f);
  }
  SECTION("an empty file and a missing file") {
    TempFile f("empty.xml", "");
    auto p = parse_events(kXml, f, "", "event");
    CHECK(p.counts.units_read == 0);
    check_open_fails(kXml, testdata("evt-xml/does-not-exist.xml"));
  }
}

TEST_CASE("event export sniffers claim their own fixtures only", "[parsers][evt-xml][evt-csv][evt-text]") {
  const EventCsvParser csv;
  const EventTextParser text;
  std::vector<std::filesystem::path> all;
  for (const auto& e : std::filesystem::recursive_directory_iterator(testdata("")))
    if (e.is_regular_file() && e.path().extension() != ".expected") all.push_back(e.path());
  REQUIRE(all.size() > 20);
  std::vector<const Parser*> mine = {&kXml, &csv, &text};
  for (const Parser* p : mine) {
    std::string folder = std::string(p->name());
    std::vector<const Parser*> others;
    for (const Parser* o : all_parsers())
      if (o->name() != p->name()) others.push_back(o);
    for (const auto& f : all) {
      // the fixtures' folder, or an export in a scenario bundle (by extension)
      bool in_bundle = f.string().find("/bundles/") != std::string::npos;
      bool is_mine = f.parent_path().filename() == folder ||
                     (in_bundle && ((folder == "evt-xml" && f.extension() == ".xml") ||
                                    (folder == "evt-csv" && f.extension() == ".csv")));
      auto s = sniff_file(*p, f);
      INFO(f.string() << " -> " << p->name() << " " << s.score << " " << s.reason);
      if (is_mine) {
        CHECK(s.score >= 50);
        for (const Parser* o : others) {
          INFO("other parser " << o->name() << " " << sniff_file(*o, f).reason);
          CHECK(sniff_file(*o, f).score < s.score);
        }
      } else {
        CHECK(s.score < 50);
      }
    }
  }
}
