// EVTX writer BinXml encoding: names, template definitions and instances,
// substitution values, and whole records (see evtx_binxml_encoder.h).
#include "support/evtx_binxml_encoder.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/evtx_encoding.h"

namespace pm::test::evtx_detail {
namespace {

uint16_t name_hash(const std::u16string& name) {
  uint32_t h = 0;
  for (char16_t c : name) h = h * 65599u + static_cast<uint32_t>(c);
  return static_cast<uint16_t>(h & 0xffff);
}

// A 16-byte template GUID derived from the shape key (FNV-1a, two seeds).
std::string template_guid(const std::string& key) {
  std::string out;
  for (uint64_t seed : {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL}) {
    uint64_t h = seed;
    for (char c : key) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
    put_u64(out, h);
  }
  return out;
}

// Emits BinXml into `out`, whose first byte sits at chunk offset `base`.
class BinXml {
 public:
  BinXml(std::string& out, uint32_t base, ChunkState& st) : out_(out), base_(base), st_(st) {}
  uint32_t pos() const { return base_ + static_cast<uint32_t>(out_.size()); }

  void fragment_header() { out_ += std::string("\x0f\x01\x01\x00", 4); }
  void eof() { put_u8(out_, 0x00); }

  void open(std::string_view name, bool has_attributes) {
    put_u8(out_, has_attributes ? 0x41 : 0x01);
    put_u16(out_, 0xffff);
    size_t size_at = out_.size();
    put_u32(out_, 0);
    stack_.push_back(size_at);
    put_name(name);
    attr_list_at_ = has_attributes ? out_.size() : std::string::npos;
    if (has_attributes) put_u32(out_, 0);
  }
  void attribute_text(std::string_view name, std::string_view text, bool more) {
    put_u8(out_, more ? 0x46 : 0x06);
    put_name(name);
    value_text(text);
  }
  void attribute_sub(std::string_view name, uint16_t index, EvtxType type, bool more, bool optional = true) {
    put_u8(out_, more ? 0x46 : 0x06);
    put_name(name);
    substitution(index, type, optional);
  }
  void close_start() {
    patch_attributes();
    put_u8(out_, 0x02);
  }
  void close_empty() {
    patch_attributes();
    put_u8(out_, 0x03);
    patch_size();
  }
  void end() {
    put_u8(out_, 0x04);
    patch_size();
  }
  void value_text(std::string_view text) {
    std::u16string t = utf16(text);
    put_u8(out_, 0x05);
    put_u8(out_, 0x01);
    put_u16(out_, static_cast<uint16_t>(t.size()));
    put_utf16(out_, t);
  }
  void substitution(uint16_t index, EvtxType type, bool optional = true) {
    substitution_raw(index, static_cast<uint8_t>(type), optional);
  }
  void substitution_raw(uint16_t index, uint8_t type, bool optional) {
    put_u8(out_, optional ? 0x0e : 0x0d);
    put_u16(out_, index);
    put_u8(out_, type);
  }
  // <name>%index</name> with an optional substitution.
  void element_sub(std::string_view name, uint16_t index, EvtxType type, bool optional = true) {
    open(name, false);
    close_start();
    substitution(index, type, optional);
    end();
  }

  // Template instance: inline definition on first use in the chunk, else a back-reference.
  // `body` emits the template's element tree.
  template <class Body>
  void template_instance(const std::string& key, Body body) {
    put_u8(out_, 0x0c);
    put_u8(out_, 0x01);
    auto it = st_.templates.find(key);
    if (it != st_.templates.end()) {
      out_.append(it->second.guid, 0, 4);
      put_u32(out_, it->second.offset);
      ++st_.referenced;
      return;
    }
    std::string guid = template_guid(key);
    out_.append(guid, 0, 4);
    uint32_t def = pos() + 4;
    put_u32(out_, def);
    uint32_t bucket = get_u32(guid, 0) % 32;
    put_u32(out_, st_.register_new ? st_.template_buckets[bucket] : 0);  // next definition in the bucket
    out_ += guid;
    size_t size_at = out_.size();
    put_u32(out_, 0);
    size_t start = out_.size();
    fragment_header();
    body(*this);
    eof();
    set_u32(out_, size_at, static_cast<uint32_t>(out_.size() - start));
    ++st_.defined;
    if (st_.register_new) {
      st_.template_buckets[bucket] = def;
      st_.templates[key] = TemplateEntry{def, guid};
    }
  }

  std::string& out() { return out_; }

 private:
  void put_name(std::string_view name) {
    std::u16string n = utf16(name);
    auto it = st_.names.offsets.find(n);
    if (it != st_.names.offsets.end()) {
      put_u32(out_, it->second);
      return;
    }
    uint32_t at = pos() + 4;
    put_u32(out_, at);
    uint16_t hash = name_hash(n);
    uint32_t bucket = hash % 64;
    put_u32(out_, st_.register_new ? st_.names.buckets[bucket] : 0);
    put_u16(out_, hash);
    put_u16(out_, static_cast<uint16_t>(n.size()));
    put_utf16(out_, n);
    put_u16(out_, 0);
    if (st_.register_new) {
      st_.names.buckets[bucket] = at;
      st_.names.offsets[n] = at;
    }
  }
  void patch_attributes() {
    if (attr_list_at_ == std::string::npos) return;
    set_u32(out_, attr_list_at_, static_cast<uint32_t>(out_.size() - attr_list_at_ - 4));
    attr_list_at_ = std::string::npos;
  }
  void patch_size() {
    size_t at = stack_.back();
    stack_.pop_back();
    set_u32(out_, at, static_cast<uint32_t>(out_.size() - at - 4));
  }

  std::string& out_;
  uint32_t base_;
  ChunkState& st_;
  std::vector<size_t> stack_;
  size_t attr_list_at_ = std::string::npos;
};

// Writes template instance values: count, descriptors, then the values. The
// value at `nested_index` (if any) is produced by `nested` at its final position.
template <class Nested>
void put_values(BinXml& x, const std::vector<EvtxValue>& values, size_t nested_index, Nested nested) {
  std::string& out = x.out();
  put_u32(out, static_cast<uint32_t>(values.size()));
  size_t desc_at = out.size();
  for (const auto& v : values) {
    put_u16(out, static_cast<uint16_t>(v.bytes.size()));
    put_u8(out, static_cast<uint8_t>(v.type));
    put_u8(out, 0);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (i == nested_index) {
      size_t start = out.size();
      nested(x);
      set_u16(out, desc_at + 4 * i, static_cast<uint16_t>(out.size() - start));
      out[desc_at + 4 * i + 2] = static_cast<char>(0x21);
    } else {
      out += values[i].bytes;
    }
  }
}

constexpr uint16_t kSubEventData = 17;
constexpr uint16_t kFirstFlatData = 19;

bool uses_user_data(const EvtxRecordSpec& r) { return !r.user_data_root.empty(); }

std::string data_shape(const EvtxRecordSpec& r) {
  std::string key = r.provider + '\x1f' + std::to_string(r.event_id) + '\x1f' + r.user_data_root + '\x1f' + r.user_data_ns;
  for (const auto& d : r.data) key += '\x1f' + d.name + '\x1e' + std::to_string(static_cast<int>(d.value.type));
  return key;
}

// The EventData / UserData element with substitutions first..first+n-1.
void data_body(BinXml& x, const EvtxRecordSpec& r, uint16_t first) {
  if (uses_user_data(r)) {
    x.open("UserData", false);
    x.close_start();
    x.open(r.user_data_root, !r.user_data_ns.empty());
    if (!r.user_data_ns.empty()) x.attribute_text("xmlns", r.user_data_ns, false);
    x.close_start();
    for (size_t i = 0; i < r.data.size(); ++i)
      x.element_sub(r.data[i].name.empty() ? "Data" : r.data[i].name, static_cast<uint16_t>(first + i),
                    r.data[i].value.type, false);
    x.end();
    x.end();
    return;
  }
  x.open("EventData", false);
  x.close_start();
  for (size_t i = 0; i < r.data.size(); ++i) {
    const auto& d = r.data[i];
    x.open("Data", !d.name.empty());
    if (!d.name.empty()) x.attribute_text("Name", d.name, false);
    x.close_start();
    x.substitution(static_cast<uint16_t>(first + i), d.value.type, true);
    x.end();
  }
  x.end();
}

void system_body(BinXml& x, const EvtxRecordSpec& r, const std::string& computer, bool nested) {
  using T = EvtxType;
  x.open("Event", true);
  x.attribute_text("xmlns", "http://schemas.microsoft.com/win/2004/08/events/event", false);
  x.close_start();
  x.open("System", false);
  x.close_start();
  x.open("Provider", true);
  x.attribute_sub("Name", 14, T::string, true);
  x.attribute_sub("Guid", 15, T::guid, true);
  x.attribute_sub("EventSourceName", 18, T::string, false);
  x.close_empty();
  x.open("EventID", true);
  x.attribute_sub("Qualifiers", 4, T::uint16, false);
  x.close_start();
  x.substitution(3, T::uint16);
  x.end();
  x.element_sub("Version", 11, T::uint8);
  x.element_sub("Level", 0, T::uint8);
  x.element_sub("Task", 2, T::uint16);
  x.element_sub("Opcode", 1, T::uint8);
  x.element_sub("Keywords", 5, T::hex_int64);
  x.open("TimeCreated", true);
  x.attribute_sub("SystemTime", 6, T::filetime, false);
  x.close_empty();
  x.element_sub("EventRecordID", 10, T::uint64);
  x.open("Correlation", true);
  x.attribute_sub("ActivityID", 7, T::guid, true);
  x.attribute_sub("RelatedActivityID", 13, T::guid, false);
  x.close_empty();
  x.open("Execution", true);
  x.attribute_sub("ProcessID", 8, T::uint32, true);
  x.attribute_sub("ThreadID", 9, T::uint32, false);
  x.close_empty();
  x.element_sub("Channel", 16, T::string);
  x.open("Computer", false);
  x.close_start();
  x.value_text(computer);
  x.end();
  x.open("Security", true);
  x.attribute_sub("UserID", 12, T::sid, false);
  x.close_empty();
  x.end();  // System
  if (nested && !r.data.empty()) {
    x.substitution_raw(kSubEventData, 0x21, true);  // nested BinXml: EventData or UserData
  } else if (!nested && !r.data.empty()) {
    data_body(x, r, kFirstFlatData);
  }
  x.end();  // Event
}

EvtxValue opt_str(const std::string& s) { return s.empty() ? EvtxValue::null_value() : EvtxValue::str(s); }
EvtxValue opt_guid(const std::string& s) { return s.empty() ? EvtxValue::null_value() : EvtxValue::guid(s); }

}  // namespace

// Encodes one record (header, BinXml, size copy, 8-byte padding) at chunk offset `base`.
Result<std::string> encode_record(const EvtxRecordSpec& r, uint64_t record_id, int64_t ticks, const EvtxFileSpec& file,
                                  uint32_t base, ChunkState& st) {
  std::string rec;
  put_u32(rec, 0x00002a2a);
  put_u32(rec, 0);
  put_u64(rec, record_id);
  put_u64(rec, static_cast<uint64_t>(ticks));
  const std::string& computer = r.computer.empty() ? file.computer : r.computer;
  const std::string& channel = r.channel.empty() ? file.channel : r.channel;
  bool nested = file.options.nested_event_data;
  try {
    std::vector<EvtxValue> v(nested ? 19 : kFirstFlatData + r.data.size());
    v[0] = EvtxValue::u8(r.level);
    v[1] = EvtxValue::u8(r.opcode);
    v[2] = EvtxValue::u16(r.task);
    v[3] = EvtxValue::u16(r.event_id);
    v[4] = r.qualifiers ? EvtxValue::u16(*r.qualifiers) : EvtxValue::null_value();
    v[5] = EvtxValue::hex64(r.keywords);
    v[6] = EvtxValue::of(EvtxType::filetime, format_filetime(ticks));
    v[7] = opt_guid(r.activity_id);
    v[8] = r.process_id ? EvtxValue::u32(*r.process_id) : EvtxValue::null_value();
    v[9] = r.thread_id ? EvtxValue::u32(*r.thread_id) : EvtxValue::null_value();
    v[10] = EvtxValue::u64(record_id);
    v[11] = EvtxValue::u8(r.version);
    v[12] = r.user_sid.empty() ? EvtxValue::null_value() : EvtxValue::sid(r.user_sid);
    v[13] = opt_guid(r.related_activity_id);
    v[14] = opt_str(r.provider);
    v[15] = opt_guid(r.provider_guid);
    v[16] = opt_str(channel);
    v[18] = opt_str(r.event_source_name);
    if (!nested)
      for (size_t i = 0; i < r.data.size(); ++i) v[kFirstFlatData + i] = r.data[i].value;
    BinXml x(rec, base, st);
    x.fragment_header();
    // Events without data get a System template without substitution 17 (as Windows writes them).
    std::string outer_key = nested ? (r.data.empty() ? "system-nodata\x1f" : "system\x1f") + computer
                                   : "flat\x1f" + computer + "\x1f" + data_shape(r);
    x.template_instance(outer_key, [&](BinXml& b) { system_body(b, r, computer, nested); });
    put_values(x, v, nested && !r.data.empty() ? kSubEventData : SIZE_MAX, [&](BinXml& b) {
      b.fragment_header();
      b.template_instance("data\x1f" + data_shape(r), [&](BinXml& d) { data_body(d, r, 0); });
      std::vector<EvtxValue> dv;
      for (const auto& d : r.data) dv.push_back(d.value);
      put_values(b, dv, SIZE_MAX, [](BinXml&) {});
      b.eof();
    });
    x.eof();  // end of the record's document (readers look for a token after the instance)
  } catch (const std::invalid_argument& e) {
    return bad("record " + std::to_string(record_id) + ": " + e.what());
  }
  while ((rec.size() + 4) % 8) rec.push_back('\0');
  put_u32(rec, 0);
  set_u32(rec, 4, static_cast<uint32_t>(rec.size()));
  set_u32(rec, rec.size() - 4, static_cast<uint32_t>(rec.size()));
  return rec;
}

}  // namespace pm::test::evtx_detail
