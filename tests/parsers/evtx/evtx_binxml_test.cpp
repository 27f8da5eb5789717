// Binary XML decoding (parsers/evtx/binxml.h) on hand-built chunks: templates
// (inline and back-referenced), substitution rules, arrays, nested BinXml,
// references, bounded recursion and damage.
#include <catch2/catch.hpp>

#include <string>

#include "evtx_bytes.h"

using namespace pm;
using namespace pm::test::evtxb;

namespace {

std::string data_of(const WinEventRow& r) {
  std::string s;
  for (const auto& [n, v] : r.data) s += n + "=" + v + ";";
  return s;
}

}  // namespace

TEST_CASE("evtx binxml: a template defined inline is reused by offset", "[parsers][evtx]") {
  Chunk c;
  uint32_t def = simple_record(c, 1, 7045, str("first"));
  simple_record(c, 2, 7036, str("second <&>"), def);
  Decoded d = decode_chunk(c.finish(1, 2));
  REQUIRE(d.bad.empty());
  REQUIRE(d.records.size() == 2);
  CHECK(d.records[0].row.event_id == 7045);
  CHECK(d.records[1].row.event_id == 7036);
  CHECK(data_of(d.records[0].row) == "A=first;");
  CHECK(data_of(d.records[1].row) == "A=second <&>;");
  CHECK(d.records[1].row.computer == "HOST");
  CHECK(d.records[1].event.host == "HOST");
  CHECK(std::get<int64_t>(d.records[1].row.record_id) == 2);
  CHECK(d.records[1].row.filetime == 132400000000000002LL);
  CHECK(d.records[1].event.offset == 4096 + static_cast<int64_t>(d.records[1].meta.offset - 4096));
  CHECK(d.records[1].xml ==
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>7036</EventID>"
        "<TimeCreated SystemTime='2020-07-23T17:46:40.0000002Z'/><EventRecordID>2</EventRecordID>"
        "<Computer>HOST</Computer></System><EventData><Data Name='A'>second &lt;&amp;&gt;</Data></EventData></Event>");
  CHECK(d.records[0].meta.recovered == false);
  CHECK(d.stats.records == 2);
  CHECK(d.stats.header_crc_errors == 0);
  CHECK(d.stats.data_crc_errors == 0);
}

TEST_CASE("evtx binxml: an optional substitution of a null value removes its element or attribute",
          "[parsers][evtx]") {
  Chunk c;
  size_t at = c.record_begin(1);
  c.fragment();
  c.instance_inline(
      [](Chunk& t) {
        t.fragment();
        t.open("Event");
        t.close_start();
        t.open("System");
        t.close_start();
        t.open("EventID");
        t.close_start();
        t.subst(0, evtx::kUInt16);
        t.end();
        t.open("Correlation", true);
        t.attr("ActivityID");
        t.subst(1, evtx::kGuid, true);  // optional, null -> no attribute
        t.close_empty();
        t.end();
        t.open("EventData");
        t.close_start();
        t.open("Data", true);
        t.attr("Name");
        t.text("Gone");
        t.close_start();
        t.subst(2, evtx::kString, true);  // optional, null -> no element
        t.end();
        t.open("Data", true);
        t.attr("Name");
        t.text("Kept");
        t.close_start();
        t.subst(3, evtx::kString, false);  // normal, null -> empty element
        t.end();
        t.open("Data", true);
        t.attr("Name");
        t.text("Empty");
        t.close_start();
        t.subst(4, evtx::kString, true);  // optional but an empty string, not null
        t.end();
        t.end();
        t.end();
        t.eof();
      },
      {u16(1), null(), null(), null(), Val{evtx::kString, ""}});
  c.eof();
  c.record_end(at);
  Decoded d = decode_chunk(c.finish(1, 1));
  REQUIRE(d.records.size() == 1);
  CHECK(d.records[0].xml ==
        "<Event><System><EventID>1</EventID><Correlation/></System><EventData><Data Name='Kept'/>"
        "<Data Name='Empty'/></EventData></Event>");
  CHECK(data_of(d.records[0].row) == "Kept=;Empty=;");
  CHECK(d.records[0].row.activity_id.empty());
}

TEST_CASE("evtx binxml: an array value repeats its element per item", "[parsers][evtx]") {
  Chunk c;
  auto body = [](Chunk& t) {
    t.fragment();
    t.open("Event");
    t.close_start();
    t.open("System");
    t.close_start();
    t.open("EventID");
    t.close_start();
    t.subst(0, evtx::kUInt16);
    t.end();
    t.end();
    t.open("EventData");
    t.close_start();
    t.open("Data");
    t.close_start();
    t.subst(1, evtx::kArray | evtx::kString);
    t.end();
    t.open("Data", true);
    t.attr("Name");
    t.text("N");
    t.close_start();
    t.subst(2, evtx::kArray | evtx::kUInt16);
    t.end();
    t.end();
    t.end();
    t.eof();
  };
  size_t at = c.record_begin(1);
  c.fragment();
  uint32_t def = c.instance_inline(body, {u16(6009), strings({"10.00.", "", "Multiprocessor Free"}),
                                          Val{evtx::kArray | evtx::kUInt16, le(7, 2) + le(8, 2)}});
  c.eof();
  c.record_end(at);
  at = c.record_begin(2);
  c.fragment();
  c.instance_ref(def, {u16(6009), Val{evtx::kArray | evtx::kString, ""}, Val{evtx::kArray | evtx::kUInt16, ""}});
  c.eof();
  c.record_end(at);
  Decoded d = decode_chunk(c.finish(1, 2));
  REQUIRE(d.records.size() == 2);
  CHECK(data_of(d.records[0].row) == "Data[1]=10.00.;Data[2]=;Data[3]=Multiprocessor Free;N=7;N=8;");
  CHECK(d.records[0].json.find("\"N\":[\"7\",\"8\"]") != std::string::npos);
  CHECK(d.records[1].row.data.empty());  // empty arrays: no element at all
}

TEST_CASE("evtx binxml: a nested BinXml value is expanded in place", "[parsers][evtx]") {
  Chunk c;
  // The inner template: <EventXML xmlns='urn:x'><Param>%0</Param><Other>%1</Other></EventXML>
  // inside UserData, written as a nested value whose elements have no dependency id.
  size_t at = c.record_begin(5);
  c.fragment();
  TemplateDefinition t = begin_template_definition(c, 1, '\x11');
  c.fragment();
  c.open("Event");
  c.close_start();
  c.open("System");
  c.close_start();
  c.open("EventID");
  c.close_start();
  c.subst(0, evtx::kUInt16);
  c.end();
  c.end();
  c.open("UserData");
  c.close_start();
  c.subst(1, evtx::kBinXml);
  c.end();
  c.end();
  c.eof();
  end_template_definition(c, t);
  // Values: the descriptors, then the event id, then the nested fragment.
  c.u32(2);
  c.u16(2);
  c.u8(evtx::kUInt16);
  c.u8(0);
  size_t nested_size_at = c.b.size();
  c.u16(0);
  c.u8(evtx::kBinXml);
  c.u8(0);
  c.u16(1102);
  size_t nested_at = c.b.size();
  c.fragment();
  c.open("EventXML", true, false);
  c.attr("xmlns");
  c.text("urn:x");
  c.close_start();
  c.open("Param", false, false);
  c.close_start();
  c.text("alpha");
  c.end();
  c.open("Other", false, false);
  c.close_start();
  c.char_ref(0x41);
  c.entity_ref("amp");
  c.cdata("z<");
  c.end();
  c.end();
  c.eof();
  c.b.replace(nested_size_at, 2, le(c.b.size() - nested_at, 2));
  c.eof();
  c.record_end(at);
  Decoded d = decode_chunk(c.finish(5, 5));
  REQUIRE(d.bad.empty());
  REQUIRE(d.records.size() == 1);
  const auto& r = d.records[0];
  CHECK(r.row.event_id == 1102);
  CHECK(r.row.data_kind == "UserData");
  CHECK(data_of(r.row) == "Param=alpha;Other=A&z<;");
  CHECK(r.xml ==
        "<Event><System><EventID>1102</EventID></System><UserData><EventXML xmlns='urn:x'><Param>alpha</Param>"
        "<Other>&#65;&amp;<![CDATA[z<]]></Other></EventXML></UserData></Event>");
}

TEST_CASE("evtx binxml: template recursion is bounded", "[parsers][evtx]") {
  // A template whose body instantiates itself: <Event><System>...</System>
  // [instance of this very template]</Event>. Expanding it never ends unless
  // the depth is bounded.
  Chunk c;
  self_instantiating_record(c, 9);
  Decoded d = decode_chunk(c.finish(9, 9));
  REQUIRE(d.bad.size() == 1);
  CHECK(d.bad[0].reason.find("too deep") != std::string::npos);
  CHECK(d.records.empty());
}

TEST_CASE("evtx binxml: damage is reported, never fatal", "[parsers][evtx]") {
  SECTION("unknown token") {
    Chunk c;
    size_t at = c.record_begin(1);
    c.fragment();
    c.u8(0x3F);
    c.eof();
    c.record_end(at);
    Decoded d = decode_chunk(c.finish(1, 1));
    REQUIRE(d.bad.size() == 1);
    CHECK(d.bad[0].reason.find("unknown BinXml token 0x3f") != std::string::npos);
    CHECK(d.stats.undecodable == 1);
  }
  SECTION("name offset outside the chunk") {
    Chunk c;
    size_t at = c.record_begin(1);
    c.fragment();
    c.u8(0x01);
    c.u16(0xFFFF);
    c.u32(0);
    c.u32(0x7FFFFFF0);
    c.eof();
    c.record_end(at);
    Decoded d = decode_chunk(c.finish(1, 1));
    REQUIRE(d.bad.size() == 1);
    CHECK(d.bad[0].reason.find("bad element header") != std::string::npos);
  }
  SECTION("template back-reference to nowhere") {
    Chunk c;
    size_t at = c.record_begin(1);
    c.fragment();
    c.instance_ref(0xFF00, simple_values(1, 1, str("x")));
    c.eof();
    c.record_end(at);
    Decoded d = decode_chunk(c.finish(1, 1));
    REQUIRE(d.bad.size() == 1);
    CHECK(d.bad[0].reason.find("template at 0xff00") != std::string::npos);
  }
  SECTION("template values overrun the record") {
    Chunk c;
    size_t at = c.record_begin(1);
    c.fragment();
    c.u8(0x0C);
    c.u8(1);
    c.u32(1);
    c.u32(0x300);
    c.u32(1);
    c.u16(5000);  // a 5000-byte value in a tiny record
    c.u8(evtx::kString);
    c.u8(0);
    c.eof();
    c.record_end(at);
    Decoded d = decode_chunk(c.finish(1, 1));
    REQUIRE(d.bad.size() == 1);
    CHECK(d.bad[0].reason.find("overrun") != std::string::npos);
  }
  SECTION("a damaged template after System decodes partially") {
    Chunk c;
    size_t at = c.record_begin(3);
    c.fragment();
    c.instance_inline(
        [](Chunk& t) {
          t.fragment();
          t.open("Event");
          t.close_start();
          t.open("System");
          t.close_start();
          t.open("EventID");
          t.close_start();
          t.subst(0, evtx::kUInt16);
          t.end();
          t.end();
          t.u8(0x3E);  // garbage where EventData would start
        },
        {u16(4624)});
    c.eof();
    c.record_end(at);
    Decoded d = decode_chunk(c.finish(3, 3));
    REQUIRE(d.records.size() == 1);
    CHECK(d.records[0].row.event_id == 4624);
    CHECK(d.records[0].damage.find("unknown BinXml token 0x3e") != std::string::npos);
    CHECK(d.records[0].event.flags == event_flags::invalid_value);
    CHECK(d.records[0].json.find("\"partial\":") != std::string::npos);
    CHECK(d.records[0].xml.rfind("<!-- pushmortem: record decoded only partially", 0) == 0);
    CHECK(d.stats.partial == 1);
  }
}
