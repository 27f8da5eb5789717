// The evtx parser (parsers/evtx/evtx_parser.h): sniffing, registration, the
// rows of files written by the fixture writer (tests/support/evtx_writer.h)
// and of a real log from the shared corpus, counts, cancel and errors.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "parsers/evtx/evtx_parser.h"
#include "parsers/registry.h"
#include "support/evtx_writer.h"
#include "support/parse_fixture.h"

using namespace pm;
using namespace pm::test;

namespace {

Parsed parse_evtx(const std::filesystem::path& file) {
  INFO("parsing " << file.string());
  TestSource src(file);
  Parsed p;
  auto r = EvtxParser().parse(src.ref, p.sink);
  INFO(r.status().message());
  REQUIRE(r);
  p.counts = r.value();
  INFO(counts_line(p.counts));
  CHECK(p.counts.unit == "record");
  CHECK(p.counts.header_units == 0);
  CHECK(p.counts.units_read == p.counts.rows_stored + p.counts.rows_rejected);
  CHECK(p.counts.reconciles());
  CHECK(p.sink.win_events.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.events.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.rejects.size() == static_cast<size_t>(p.counts.rows_rejected));
  return p;
}

// The writer's canonical texts pad hex numbers (0x00000000000003e7); Event
// Viewer and this reader do not (0x3e7): compare those as numbers.
bool same_text(EvtxType type, const std::string& ours, const std::string& written) {
  if (type == EvtxType::hex_int32 || type == EvtxType::hex_int64)
    return ours.rfind("0x", 0) == 0 && written.rfind("0x", 0) == 0 &&
           std::stoull(ours, nullptr, 16) == std::stoull(written, nullptr, 16);
  return ours == written;
}

std::string value_text(const Value& v) {
  if (auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return "";
}

std::vector<EvtxRecordSpec> shapes(int count) {
  std::vector<EvtxRecordSpec> out;
  for (int i = 0; i < count; ++i) {
    EvtxRecordSpec r;
    r.time_us = 1595600493000000LL + i * 1000003LL;
    if (i % 3 == 0) {
      r.provider = "Service Control Manager";
      r.provider_guid = "{555908D1-A6D7-4695-8E1E-26931D2012F4}";
      r.event_source_name = "Service Control Manager";
      r.event_id = 7045;
      r.qualifiers = 16384;
      r.process_id = 680;
      r.thread_id = 7000u + static_cast<uint32_t>(i);
      r.user_sid = "S-1-5-21-3623811015-3361044348-30300820-1013";
      r.keywords = 0x8080000000000000ULL;
      r.data = {{"ServiceName", EvtxValue::str("DPMRA <&> \"" + std::to_string(i) + "\"")},
                {"ImagePath", EvtxValue::str("C:\\Program Files\\Microsoft Data Protection Manager\\DPM\\bin\\DPMRA.exe")},
                {"ServiceType", EvtxValue::str("user mode service")},
                {"StartType", EvtxValue::str("auto start")},
                {"AccountName", EvtxValue::str("LocalSystem")}};
    } else if (i % 3 == 1) {
      r.provider = "Test-Types";
      r.event_id = 100;
      r.level = static_cast<uint8_t>(i % 6);
      r.version = 2;
      r.opcode = 12;
      r.task = 3;
      r.activity_id = "{B3D2A1C4-1111-2222-3333-444455556666}";
      r.data = {{"U8", EvtxValue::u8(200)},
                {"U64", EvtxValue::u64(18446744073709551615ULL)},
                {"I32", EvtxValue::i32(-5)},
                {"B", EvtxValue::boolean(true)},
                {"Bin", EvtxValue::binary(std::string("\x00\xff\x10", 3))},
                {"G", EvtxValue::guid("{54849625-5478-4994-A5BA-3E3B0328C30D}")},
                {"FT", EvtxValue::filetime("2019-02-13T15:14:52.4097351Z")},
                {"ST", EvtxValue::systemtime("2019-02-13T15:14:52.409Z")},
                {"S", EvtxValue::sid("S-1-5-18")},
                {"H32", EvtxValue::hex32(0x1f)},
                {"H64", EvtxValue::hex64(0x3e7)},
                {"Missing", EvtxValue::null_value()},
                {"", EvtxValue::str("unnamed")}};
    } else {
      r.provider = "Microsoft-Windows-Windows Firewall With Advanced Security";
      r.event_id = 2004;
      r.computer = "other.contoso.com";
      r.user_data_root = "RuleChange";
      r.user_data_ns = "http://manifests.microsoft.com/win/2004/08/windows/firewall";
      r.data = {{"RuleId", EvtxValue::str("{rule-" + std::to_string(i) + "}")}, {"Flag", EvtxValue::u32(7)}};
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

TEST_CASE("evtx parser: sniffs by signature and is registered", "[parsers][evtx]") {
  EvtxParser p;
  Head h;
  h.raw = std::string("ElfFile\0", 8) + std::string(100, '\0');
  CHECK(p.sniff(h).score == 95);
  h.raw = std::string("ElfChnk\0", 8) + std::string(100, '\0');
  CHECK(p.sniff(h).score == 70);
  h.raw = "ElfFile";  // no NUL: not the signature
  CHECK(p.sniff(h).score == 0);
  h.raw = "#Software: Microsoft Windows Firewall";
  CHECK(p.sniff(h).score == 0);
  REQUIRE(find_parser("evtx") != nullptr);
  h.raw = std::string("ElfFile\0", 8) + std::string(100, '\0');
  SniffDecision d = sniff_all(h);
  REQUIRE(d.parser != nullptr);
  CHECK(d.parser->name() == "evtx");
}

TEST_CASE("evtx parser: rows of a written file match what was written", "[parsers][evtx]") {
  EvtxFileSpec spec;
  spec.channel = "System";
  spec.computer = "fs01.contoso.com";
  spec.records = shapes(400);  // several chunks
  TempFile f("System.evtx", "");
  auto info = write_evtx(f.path(), spec);
  REQUIRE(info);
  REQUIRE(info->chunks > 1);
  Parsed p = parse_evtx(f.path());
  CHECK(p.counts.rows_rejected == 0);
  REQUIRE(p.counts.rows_stored == 400);
  for (size_t i = 0; i < spec.records.size(); ++i) {
    const EvtxRecordSpec& s = spec.records[i];
    const WinEventRow& r = p.sink.win_events[i];
    const EventRow& e = p.sink.events[i];
    INFO("record " << i);
    CHECK(r.provider == s.provider);
    CHECK(r.provider_guid == s.provider_guid);
    CHECK(r.event_source_name == s.event_source_name);
    CHECK(r.event_id == s.event_id);
    CHECK(e.event_code == std::to_string(s.event_id));
    CHECK(value_text(r.qualifiers) == (s.qualifiers ? std::to_string(*s.qualifiers) : ""));
    CHECK(value_text(r.version) == std::to_string(s.version));
    CHECK(value_text(r.level) == std::to_string(s.level));
    CHECK(value_text(r.task) == std::to_string(s.task));
    CHECK(value_text(r.opcode) == std::to_string(s.opcode));
    CHECK(std::stoull(r.keywords, nullptr, 16) == s.keywords);
    CHECK(value_text(r.record_id) == std::to_string(info->record_ids[i]));
    CHECK(e.location == static_cast<int64_t>(info->record_ids[i]));
    REQUIRE(r.filetime);
    CHECK(*r.filetime == *evtx_record_filetime(s));
    CHECK(e.time_us == *s.time_us);
    CHECK(r.activity_id == s.activity_id);
    CHECK(value_text(r.process_id) == (s.process_id ? std::to_string(*s.process_id) : ""));
    CHECK(value_text(r.thread_id) == (s.thread_id ? std::to_string(*s.thread_id) : ""));
    CHECK(r.channel == "System");
    CHECK(r.computer == (s.computer.empty() ? spec.computer : s.computer));
    CHECK(e.host == r.computer);
    CHECK(r.user_sid == s.user_sid);
    CHECK(r.data_kind == (s.user_data_root.empty() ? "EventData" : "UserData"));
    CHECK_FALSE(r.recovered);
    CHECK(e.flags == 0);
    Level want = s.level == 1 ? Level::critical : s.level == 2 ? Level::error : s.level == 3 ? Level::warning
               : s.level == 5 ? Level::verbose : Level::info;
    CHECK(e.level == want);
    CHECK_FALSE(e.message.empty());
    // Data: every written item with a value, in order (null values are left out).
    std::vector<const EvtxDataItem*> present;
    for (const auto& d : s.data)
      if (d.value.type != EvtxType::null) present.push_back(&d);
    REQUIRE(r.data.size() == present.size());
    int position = 0;
    for (size_t k = 0; k < present.size(); ++k) {
      ++position;
      std::string name = present[k]->name.empty() ? "Data[" + std::to_string(position) + "]" : present[k]->name;
      INFO("data " << name << " = " << r.data[k].second << " written " << present[k]->value.text);
      CHECK(r.data[k].first == name);
      CHECK(same_text(present[k]->value.type, r.data[k].second, present[k]->value.text));
    }
  }
  CHECK(p.sink.claims.empty());  // two computers in this file
  // A 7045 message comes from the shipped template.
  CHECK(p.sink.events[0].message.find("A service was installed in the system") != std::string::npos);
}

TEST_CASE("evtx parser: one computer throughout is claimed as the source's host", "[parsers][evtx]") {
  TempFile f("a.evtx", "");
  auto records = shapes(1);
  REQUIRE(write_evtx(f.path(), "System", "dpm01.contoso.com", records));
  Parsed p = parse_evtx(f.path());
  REQUIRE(p.sink.claims.size() == 1);
  CHECK(p.sink.claims[0].first == "dpm01.contoso.com");
  CHECK(p.sink.claims[0].second == "evtx Computer");
}

TEST_CASE("evtx parser: damage from the writer is survived and recovered", "[parsers][evtx]") {
  EvtxFileSpec spec;
  spec.records = shapes(300);
  spec.damage.dirty = true;
  spec.damage.header_chunk_count = 1;
  spec.damage.bad_file_header_crc = true;
  spec.damage.bad_chunk_header_crc = {0};
  spec.damage.bad_chunk_data_crc = {1};
  spec.damage.slack_records = shapes(2);
  spec.damage.slack_records[0].record_id = 9001;
  spec.damage.slack_records[1].record_id = 9002;
  TempFile f("dirty.evtx", "");
  auto info = write_evtx(f.path(), spec);
  REQUIRE(info);
  REQUIRE(info->chunks >= 2);
  Parsed p = parse_evtx(f.path());
  CHECK(p.counts.rows_rejected == 0);
  CHECK(p.counts.rows_stored == 302);
  int recovered = 0;
  for (const auto& r : p.sink.win_events)
    if (r.recovered) {
      ++recovered;
      CHECK((value_text(r.record_id) == "9001" || value_text(r.record_id) == "9002"));
    }
  CHECK(recovered == 2);
}

TEST_CASE("evtx parser: bad magic in the writer's chunk still yields its records", "[parsers][evtx]") {
  EvtxFileSpec spec;
  spec.records = shapes(300);
  spec.damage.bad_chunk_magic = {1};
  TempFile f("magic.evtx", "");
  auto info = write_evtx(f.path(), spec);
  REQUIRE(info);
  Parsed p = parse_evtx(f.path());
  CHECK(p.counts.rows_stored == 300);
  size_t in_chunk1 = 0, recovered = 0;
  for (size_t i = 0; i < info->record_chunk.size(); ++i) in_chunk1 += info->record_chunk[i] == 1;
  for (const auto& r : p.sink.win_events) recovered += r.recovered;
  CHECK(recovered == in_chunk1);
}

TEST_CASE("evtx parser: a real Security log from the corpus", "[parsers][evtx]") {
  if (!have_shared_corpus()) {
    WARN("../shared/corpus is absent: skipped");
    return;
  }
  Parsed p = parse_evtx(shared_dir() / "corpus/evtx/edge-cases/new-user-security.evtx");
  REQUIRE(p.counts.rows_stored >= 4);
  const WinEventRow& r = p.sink.win_events[0];
  const EventRow& e = p.sink.events[0];
  CHECK(r.provider == "Microsoft-Windows-Security-Auditing");
  CHECK(r.provider_guid == "{54849625-5478-4994-A5BA-3E3B0328C30D}");
  CHECK(r.event_id == 4728);
  CHECK(value_text(r.version) == "0");
  CHECK(value_text(r.level) == "0");
  CHECK(value_text(r.task) == "13826");
  CHECK(value_text(r.opcode) == "0");
  CHECK(r.keywords == "0x8020000000000000");
  CHECK(value_text(r.record_id) == "111");
  CHECK(r.filetime == 130270189599735000LL);
  CHECK(e.time_us == 1382545359973500LL);
  CHECK(value_text(r.process_id) == "508");
  CHECK(value_text(r.thread_id) == "1032");
  CHECK(r.channel == "Security");
  CHECK(r.computer == "IE8Win7");
  CHECK(r.user_sid.empty());
  CHECK(r.data_kind == "EventData");
  REQUIRE(r.data.size() == 10);
  CHECK(r.data[1] == std::pair<std::string, std::string>("MemberSid", "S-1-5-21-3463664321-2923530833-3546627382-1000"));
  CHECK(r.data[8] == std::pair<std::string, std::string>("SubjectLogonId", "0x3e7"));
  CHECK(e.event_code == "4728");
  CHECK(e.location == 111);
  CHECK(e.offset == 4096 + 512);
  CHECK(e.level == Level::info);
  CHECK(p.sink.claims.size() == 1);
}

TEST_CASE("evtx parser: missing, non-EVTX and cancelled inputs", "[parsers][evtx]") {
  check_open_fails(EvtxParser(), "/nonexistent/x.evtx");
  TempFile text("a.evtx", "not an event log at all");
  TestSource src(text.path());
  CollectingSink sink;
  auto r = EvtxParser().parse(src.ref, sink);
  REQUIRE_FALSE(r);
  CHECK(r.status().kind() == ErrorKind::bad_input);
  TempFile f("c.evtx", "");
  REQUIRE(write_evtx(f.path(), "System", "h", shapes(10)));
  check_cancelled(EvtxParser(), f.path());
}
