// export of Windows events (db/reader ExportCursor): fields under Windows
// names plus every EventData/UserData item, stored through the real path
// (EventXmlParser -> CaseWriter -> case database).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "db/case_writer.h"
#include "db/reader.h"
#include "parsers/events/event_xml_parser.h"
#include "support/parse_fixture.h"
#include "support/read_case_fixture.h"

using namespace pm;
using namespace pm::db;

namespace {

const char* kConnection =
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
    "<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"
    "<EventID>5156</EventID><Version>1</Version><Level>0</Level><Task>12810</Task><Opcode>0</Opcode>"
    "<Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2020-07-24T14:25:00.1234567Z'/>"
    "<EventRecordID>77001</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='88'/>"
    "<Channel>Security</Channel><Computer>dpm01.contoso.com</Computer><Security/></System><EventData>"
    "<Data Name='ProcessID'>4</Data><Data Name='Application'>System</Data><Data Name='Direction'>%%14592</Data>"
    "<Data Name='SourceAddress'>10.0.0.5</Data><Data Name='DestPort'></Data></EventData></Event>\n";

// Parses `file` with the XML parser straight into the case (one source).
void ingest_xml(CaseDb& c, const std::filesystem::path& file, const std::string& path) {
  auto writer = CaseWriter::create(c);
  REQUIRE(writer);
  REQUIRE(c.db().exec("BEGIN"));
  SourceInfo info;
  info.bundle = "/evidence";
  info.path = path;
  info.sha256 = path;
  info.size = 1;
  info.status = "ingested";
  info.format = "evt-xml";
  info.unit = "event";
  info.host_id = 1;
  REQUIRE((*writer)->begin_source(info));
  test::TestSource src(file);
  auto counts = EventXmlParser().parse(src.ref, **writer);
  REQUIRE(counts);
  REQUIRE((*writer)->finish_source(counts.value(), "ingested", ""));
  REQUIRE(c.db().exec("COMMIT"));
}

std::string text(const SqlValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* n = std::get_if<int64_t>(&v)) return "#" + std::to_string(*n);
  return "?";
}

}  // namespace

TEST_CASE("export: Windows events carry their System fields and data items", "[db][reader][export]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  {
    auto c = CaseDb::open_for_write(file);
    REQUIRE(c);
    ingest_xml(c.value(), test::testdata("evt-xml/wevtutil_bare_utf16.xml"), "fs01/security.xml");
    test::TempFile conn("conn.xml", kConnection);
    ingest_xml(c.value(), conn.path(), "dpm01/conn.xml");
  }
  auto c = CaseDb::open_read_only(file);
  REQUIRE(c);
  auto cur = ExportCursor::open(c->db());
  REQUIRE(cur);
  std::map<int64_t, ExportRow> by_record;  // EventRecordID -> row
  ExportRow row;
  int pfirewall = 0;
  for (;;) {
    auto r = cur->next(row);
    REQUIRE(r);
    if (!r.value()) break;
    if (row.source_format == "pfirewall") {
      ++pfirewall;
      CHECK(row.fields.front().name == "local_time");  // other formats are unchanged
      continue;
    }
    REQUIRE(row.source_format == "evt-xml");
    CHECK(row.timestamp_desc == "Event Time Created");
    for (const auto& f : row.fields)
      if (f.name == "EventRecordID") by_record[std::get<int64_t>(f.value)] = row;
  }
  CHECK(pfirewall == 4);
  CHECK(cur->warnings().empty());
  REQUIRE(by_record.size() == 4);

  auto names = [](const ExportRow& r) {
    std::vector<std::string> n;
    for (const auto& f : r.fields) n.push_back(f.name);
    return n;
  };
  auto value = [](const ExportRow& r, const std::string& name) {
    for (const auto& f : r.fields)
      if (f.name == name) return text(f.value);
    return std::string("<absent>");
  };

  SECTION("the System part under Windows names") {
    const ExportRow& logon = by_record.at(55120);
    CHECK(value(logon, "EventRecordID") == "#55120");
    CHECK(value(logon, "EventID") == "#4624");
    CHECK(value(logon, "Provider") == "Microsoft-Windows-Security-Auditing");
    CHECK(value(logon, "Channel") == "Security");
    CHECK(value(logon, "Computer") == "fs01.contoso.com");
    CHECK(value(logon, "Level") == "#0");
    CHECK(value(logon, "Version") == "#2");
    CHECK(value(logon, "Keywords") == "0x8020000000000000");
    CHECK(value(logon, "ProcessID") == "#640");
    CHECK(value(logon, "DataKind") == "EventData");
    for (const char* column : {"record_id", "win_event_id", "provider", "event_id", "channel"}) {
      INFO(column);
      CHECK(value(logon, column) == "<absent>");
    }
  }
  SECTION("every EventData item in document order, after the System fields") {
    const ExportRow& logon = by_record.at(55120);
    auto n = names(logon);
    auto first_data = std::find(n.begin(), n.end(), "SubjectUserSid");
    REQUIRE(first_data != n.end());
    CHECK(std::find(n.begin(), first_data, "Recovered") != first_data);
    CHECK(std::vector<std::string>(first_data, first_data + 4) ==
          std::vector<std::string>{"SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"});
    CHECK(n.back() == "ElevatedToken");
    CHECK(n.end() - first_data == 27);
    CHECK(value(logon, "IpAddress") == "10.0.0.5");
    CHECK(value(logon, "ImpersonationLevel") == "%%1833");
    CHECK(value(logon, "ProcessId") == "0x0");  // EventData ProcessId differs from System ProcessID by case
  }
  SECTION("UserData items and <Binary>") {
    const ExportRow& cleared = by_record.at(55100);
    CHECK(value(cleared, "DataKind") == "UserData");
    CHECK(value(cleared, "SubjectUserName") == "Administrator");
    CHECK(value(cleared, "SubjectLogonId") == "0x1cf4a");
    CHECK(value(by_record.at(1187), "Binary") == "440050004D00520041002F0034000000");
  }
  SECTION("a data name that is taken gets its kind as prefix; empty values stay") {
    const ExportRow& conn = by_record.at(77001);
    CHECK(value(conn, "ProcessID") == "#4");                 // System Execution@ProcessID
    CHECK(value(conn, "EventData.ProcessID") == "4");        // the data item
    CHECK(value(conn, "Application") == "System");
    CHECK(value(conn, "DestPort").empty());
    auto n = names(conn);
    CHECK(std::count(n.begin(), n.end(), "ProcessID") == 1);
    CHECK(conn.event_code == std::optional<std::string>("5156"));
  }
}
