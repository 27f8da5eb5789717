// Hand-built EVTX bytes for the reader's unit tests: a chunk builder that
// writes BinXml token by token (names inline on first use, templates inline
// or back-referenced), records and chunk headers with correct CRCs, and a
// file header. Deliberately low-level, so tests can also write what no
// Windows writer would (bad tokens, arrays, nested fragments, damage).
// Header-only test support for tests/parsers/evtx/.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "parsers/core/rows.h"
#include "parsers/evtx/evtx_file.h"
#include "parsers/evtx/evtx_reader.h"
#include "parsers/evtx/evtx_render.h"
#include "parsers/evtx/values.h"

namespace pm::test::evtxb {

inline std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return s;
}

// UTF-16LE of ASCII / Latin-1 text.
inline std::string utf16(const std::string& ascii) {
  std::string s;
  for (unsigned char ch : ascii) s += le(ch, 2);
  return s;
}

struct Val {
  uint8_t type;
  std::string bytes;
};
inline Val str(const std::string& s) { return {evtx::kString, utf16(s)}; }
inline Val u16(uint16_t v) { return {evtx::kUInt16, le(v, 2)}; }
inline Val u32(uint32_t v) { return {evtx::kUInt32, le(v, 4)}; }
inline Val u8(uint8_t v) { return {evtx::kUInt8, le(v, 1)}; }
inline Val hex64(uint64_t v) { return {evtx::kHexInt64, le(v, 8)}; }
inline Val filetime(uint64_t ticks) { return {evtx::kFileTime, le(ticks, 8)}; }
inline Val null() { return {evtx::kNull, ""}; }
inline Val strings(const std::vector<std::string>& items) {  // string array, NUL-terminated items
  std::string b;
  for (const auto& i : items) b += utf16(i) + le(0, 2);
  return {static_cast<uint8_t>(evtx::kArray | evtx::kString), b};
}

class Chunk {
 public:
  std::string b;

  Chunk() : b(evtx::kChunkHeaderSize, '\0') { std::memcpy(b.data(), evtx::kChunkMagic, 8); }
  uint32_t pos() const { return static_cast<uint32_t>(b.size()); }

  void u8(uint64_t v) { b += le(v, 1); }
  void u16(uint64_t v) { b += le(v, 2); }
  void u32(uint64_t v) { b += le(v, 4); }

  // A name reference: inline (offset = the position right after the field) on first use.
  void name(const std::string& n) {
    auto it = names_.find(n);
    if (it != names_.end()) {
      u32(it->second);
      return;
    }
    uint32_t at = pos() + 4;
    names_[n] = at;
    u32(at);
    u32(0);       // next in hash bucket
    u16(0);       // hash (not checked by readers)
    u16(n.size());
    b += utf16(n);
    u16(0);
  }
  void fragment() { b += std::string("\x0F\x01\x01\x00", 4); }
  void open(const std::string& n, bool attrs = false, bool dependency_id = true) {
    u8(attrs ? 0x41 : 0x01);
    if (dependency_id) u16(0xFFFF);
    u32(0);  // data size (not used by readers)
    name(n);
    if (attrs) u32(0);  // attribute list size
  }
  void attr(const std::string& n, bool more = false) {
    u8(more ? 0x46 : 0x06);
    name(n);
  }
  void close_start() { u8(0x02); }
  void close_empty() { u8(0x03); }
  void end() { u8(0x04); }
  void eof() { u8(0x00); }
  void text(const std::string& t) {
    u8(0x05);
    u8(evtx::kString);
    u16(t.size());
    b += utf16(t);
  }
  void subst(uint16_t index, uint8_t type, bool optional = false) {
    u8(optional ? 0x0E : 0x0D);
    u16(index);
    u8(type);
  }
  void char_ref(uint16_t cp) {
    u8(0x08);
    u16(cp);
  }
  void entity_ref(const std::string& n) {
    u8(0x09);
    name(n);
  }
  void cdata(const std::string& t) {
    u8(0x07);
    u16(t.size());
    b += utf16(t);
  }

  // A template instance whose definition follows inline; `body` writes the
  // definition's BinXml (fragment header .. eof). Returns the definition offset.
  template <class Body>
  uint32_t instance_inline(Body body, const std::vector<Val>& values) {
    u8(0x0C);
    u8(0x01);
    u32(0x12345678);  // template id
    uint32_t def = pos() + 4;
    u32(def);
    u32(0);                     // next template
    b += std::string(16, '\x42');  // GUID
    size_t size_at = b.size();
    u32(0);
    size_t body_at = b.size();
    body(*this);
    std::string sz = le(b.size() - body_at, 4);
    b.replace(size_at, 4, sz);
    write_values(values);
    return def;
  }
  void instance_ref(uint32_t def, const std::vector<Val>& values) {
    u8(0x0C);
    u8(0x01);
    u32(0x12345678);
    u32(def);
    write_values(values);
  }
  void write_values(const std::vector<Val>& values) {
    u32(values.size());
    for (const auto& v : values) {
      u16(v.bytes.size());
      u8(v.type);
      u8(0);
    }
    for (const auto& v : values) b += v.bytes;
  }

  // Records: begin writes the 24-byte header, end the size copy.
  size_t record_begin(uint64_t id, uint64_t filetime = 132400000000000000ULL) {
    size_t at = b.size();
    b += std::string("\x2A\x2A\x00\x00", 4);
    u32(0);
    b += le(id, 8);
    b += le(filetime, 8);
    return at;
  }
  void record_end(size_t at) {
    uint32_t size = static_cast<uint32_t>(b.size() + 4 - at);
    u32(size);
    b.replace(at + 4, 4, le(size, 4));
  }

  // Completes the header (free space = what was written so far unless given,
  // record numbers, CRCs) and pads to 64 KiB. Call once, after the records.
  std::string finish(uint64_t first_id, uint64_t last_id, uint32_t free_space = 0) const {
    std::string c = b;
    uint32_t free = free_space ? free_space : static_cast<uint32_t>(c.size());
    c.resize(evtx::kChunkSize, '\0');
    c.replace(8, 8, le(1, 8));
    c.replace(16, 8, le(last_id - first_id + 1, 8));
    c.replace(24, 8, le(first_id, 8));
    c.replace(32, 8, le(last_id, 8));
    c.replace(40, 4, le(128, 4));
    c.replace(48, 4, le(free, 4));
    auto* p = reinterpret_cast<const uint8_t*>(c.data());
    c.replace(52, 4, le(evtx::crc32(p + 512, free - 512), 4));
    c.replace(124, 4, le(evtx::crc32(p + 128, 384, evtx::crc32(p, 120)), 4));
    return c;
  }

 private:
  std::map<std::string, uint32_t> names_;
};

// A file header for `chunks` chunks (the count field can lie) with a good CRC.
inline std::string file_header(uint16_t chunk_count, uint32_t flags = 0) {
  std::string h(evtx::kFileHeaderSize, '\0');
  std::memcpy(h.data(), evtx::kFileMagic, 8);
  h.replace(16, 8, le(chunk_count ? chunk_count - 1 : 0, 8));
  h.replace(32, 4, le(128, 4));
  h.replace(36, 2, le(1, 2));
  h.replace(38, 2, le(3, 2));
  h.replace(40, 2, le(4096, 2));
  h.replace(42, 2, le(chunk_count, 2));
  h.replace(120, 4, le(flags, 4));
  h.replace(124, 4, le(evtx::crc32(reinterpret_cast<const uint8_t*>(h.data()), 120), 4));
  return h;
}

// A minimal Windows-like event template: <Event><System><EventID>%0</EventID>
// <TimeCreated SystemTime=%1/><EventRecordID>%2</EventRecordID><Computer>HOST
// </Computer></System><EventData><Data Name='A'>%3</Data></EventData></Event>.
inline void simple_event_body(Chunk& c) {
  c.fragment();
  c.open("Event", true);
  c.attr("xmlns");
  c.text("http://schemas.microsoft.com/win/2004/08/events/event");
  c.close_start();
  c.open("System");
  c.close_start();
  c.open("EventID");
  c.close_start();
  c.subst(0, evtx::kUInt16);
  c.end();
  c.open("TimeCreated", true);
  c.attr("SystemTime");
  c.subst(1, evtx::kFileTime, true);
  c.close_empty();
  c.open("EventRecordID");
  c.close_start();
  c.subst(2, evtx::kUInt64);
  c.end();
  c.open("Computer");
  c.close_start();
  c.text("HOST");
  c.end();
  c.end();  // System
  c.open("EventData");
  c.close_start();
  c.open("Data", true);
  c.attr("Name");
  c.text("A");
  c.close_start();
  c.subst(3, evtx::kString, true);
  c.end();
  c.end();  // EventData
  c.end();  // Event
  c.eof();
}

inline std::vector<Val> simple_values(uint16_t event_id, uint64_t record_id, const Val& a) {
  return {u16(event_id), filetime(132400000000000000ULL + record_id), Val{evtx::kUInt64, le(record_id, 8)}, a};
}

// One record instantiating the simple template: inline the first time
// (def == 0), else by reference. Returns the definition offset.
inline uint32_t simple_record(Chunk& c, uint64_t record_id, uint16_t event_id, const Val& a, uint32_t def = 0) {
  size_t at = c.record_begin(record_id);
  c.fragment();
  if (def == 0) def = c.instance_inline(simple_event_body, simple_values(event_id, record_id, a));
  else c.instance_ref(def, simple_values(event_id, record_id, a));
  c.eof();
  c.record_end(at);
  return def;
}

// An inline template definition (token 0x0C) for a template instance:
// header, GUID filled with `guid_byte`, and a data-size placeholder. The
// caller writes the body, then end_template_definition() fills the size.
struct TemplateDefinition {
  uint32_t def;
  size_t size_at, body_at;
};
inline TemplateDefinition begin_template_definition(Chunk& c, uint32_t template_id, char guid_byte) {
  c.u8(0x0C);
  c.u8(1);
  c.u32(template_id);
  uint32_t def = c.pos() + 4;
  c.u32(def);
  c.u32(0);
  c.b += std::string(16, guid_byte);
  size_t size_at = c.b.size();
  c.u32(0);
  return {def, size_at, c.b.size()};
}
inline void end_template_definition(Chunk& c, const TemplateDefinition& t) {
  c.b.replace(t.size_at, 4, le(c.b.size() - t.body_at, 4));
}

// One record whose template body instantiates that same template:
// <Event><System><EventID>1</EventID></System>[this template again]</Event>.
// Expanding it never ends unless the reader bounds the depth.
inline void self_instantiating_record(Chunk& c, uint64_t record_id) {
  size_t at = c.record_begin(record_id);
  c.fragment();
  TemplateDefinition t = begin_template_definition(c, 7, '\x22');
  c.fragment();
  c.open("Event");
  c.close_start();
  c.open("System");
  c.close_start();
  c.open("EventID");
  c.close_start();
  c.text("1");
  c.end();
  c.end();
  c.instance_ref(t.def, {});  // the loop
  c.end();
  c.eof();
  end_template_definition(c, t);
  c.write_values({});
  c.eof();
  c.record_end(at);
}

// Every record of one chunk, decoded: XML, rows, or why it was undecodable.
struct Decoded {
  struct Record {
    evtx::RecordMeta meta;
    std::string xml, json, damage;
    WinEventRow row;
    EventRow event;
  };
  struct Bad {
    evtx::RecordMeta meta;
    std::string reason;
  };
  std::vector<Record> records;
  std::vector<Bad> bad;
  evtx::ChunkStats stats;
};

class Collector final : public evtx::RecordVisitor {
 public:
  explicit Collector(Decoded& d) : d_(d) {}
  bool record(const evtx::RecordMeta& meta, const evtx::Document& doc, const evtx::EventFields& fields) override {
    Decoded::Record r;
    r.meta = meta;
    renderer_.append_xml(doc, r.xml);
    renderer_.append_json(doc, fields, meta, r.json);
    r.damage = doc.damage();
    evtx::fill_rows(doc, fields, meta, r.row, r.event);
    d_.records.push_back(std::move(r));
    return true;
  }
  bool undecodable(const evtx::RecordMeta& meta, std::string_view reason, const uint8_t*, size_t) override {
    d_.bad.push_back({meta, std::string(reason)});
    return true;
  }

 private:
  Decoded& d_;
  evtx::RecordRenderer renderer_;
};

inline Decoded decode_chunk(const std::string& chunk, uint64_t file_offset = evtx::kFileHeaderSize) {
  Decoded d;
  Collector c(d);
  evtx::ChunkDecoder decoder;
  decoder.decode(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size(), file_offset, c, d.stats);
  return d;
}

}  // namespace pm::test::evtxb
