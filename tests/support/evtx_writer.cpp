// EVTX writer for fixtures: see evtx_writer.h for the layout it produces.
#include "support/evtx_writer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <type_traits>
#include <map>
#include <stdexcept>

#include "parsers/core/time_util.h"

namespace pm::test {
namespace {

constexpr size_t kChunkSize = 65536;
constexpr size_t kFileHeaderSize = 4096;
constexpr int64_t kFiletimeUnixOffset = 116444736000000000LL;  // ticks from 1601 to 1970

Status bad(std::string message) { return Status::error(ErrorKind::bad_input, std::move(message)); }

void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
void put_u16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void set_u16(std::string& out, size_t at, uint16_t v) {
  out[at] = static_cast<char>(v & 0xff);
  out[at + 1] = static_cast<char>(v >> 8);
}
void set_u32(std::string& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void set_u64(std::string& out, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t get_u32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

// UTF-8 -> UTF-16 code units (invalid bytes become U+FFFD).
std::u16string utf16(std::string_view s) {
  std::u16string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<uint8_t>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      ++i;
    } else {
      cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
      bool ok = true;
      for (size_t k = 1; k < n; ++k) {
        auto cc = static_cast<uint8_t>(s[i + k]);
        if ((cc & 0xc0) != 0x80) ok = false;
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (!ok) cp = 0xFFFD;
      i += ok ? n : 1;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

void put_utf16(std::string& out, const std::u16string& s) {
  for (char16_t c : s) put_u16(out, static_cast<uint16_t>(c));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<uint64_t> parse_unsigned(std::string_view t, bool allow_hex) {
  if (t.empty()) return std::nullopt;
  int base = 10;
  if (allow_hex && t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    base = 16;
    t.remove_prefix(2);
  }
  uint64_t v = 0;
  for (char c : t) {
    int d = hex_digit(c);
    if (d < 0 || d >= base) return std::nullopt;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return std::nullopt;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return v;
}

std::optional<int64_t> parse_signed(std::string_view t) {
  bool neg = !t.empty() && t[0] == '-';
  auto u = parse_unsigned(neg ? t.substr(1) : t, false);
  if (!u || *u > (neg ? uint64_t{1} << 63 : static_cast<uint64_t>(INT64_MAX))) return std::nullopt;
  return neg ? static_cast<int64_t>(0 - *u) : static_cast<int64_t>(*u);
}

// "YYYY-MM-DDTHH:MM:SS[.fffffff][Z]" (UTC) -> FILETIME ticks.
std::optional<int64_t> parse_iso_ticks(std::string_view t) {
  if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) t.remove_suffix(1);
  if (t.size() < 19 || (t[10] != 'T' && t[10] != ' ')) return std::nullopt;
  auto seconds = parse_date_time_seconds(t.substr(0, 10), t.substr(11, 8));
  if (!seconds) return std::nullopt;
  int64_t frac = 0;
  std::string_view rest = t.substr(19);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return std::nullopt;
    std::string digits(rest.substr(1));
    digits.resize(9, '0');
    for (char c : digits)
      if (c < '0' || c > '9') return std::nullopt;
    frac = std::stoll(digits.substr(0, 7));
  }
  return (*seconds * 10'000'000 + kFiletimeUnixOffset) + frac;
}

struct Civil {
  int64_t y;
  unsigned m, d, hh, mm, ss, dow;
  int64_t frac;  // 100 ns ticks within the second
};

Civil civil_from_ticks(int64_t ticks) {
  int64_t unix_ticks = ticks - kFiletimeUnixOffset;
  int64_t secs = unix_ticks >= 0 ? unix_ticks / 10'000'000 : -((-unix_ticks + 9'999'999) / 10'000'000);
  Civil c{};
  c.frac = unix_ticks - secs * 10'000'000;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t sod = secs - days * 86400;
  c.hh = static_cast<unsigned>(sod / 3600);
  c.mm = static_cast<unsigned>(sod / 60 % 60);
  c.ss = static_cast<unsigned>(sod % 60);
  c.dow = static_cast<unsigned>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  c.d = doy - (153 * mp + 2) / 5 + 1;
  c.m = mp < 10 ? mp + 3 : mp - 9;
  c.y = static_cast<int64_t>(yoe) + era * 400 + (c.m <= 2);
  return c;
}

std::string format_systemtime_text(const Civil& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03lldZ", static_cast<long long>(c.y), c.m, c.d, c.hh,
                c.mm, c.ss, static_cast<long long>(c.frac / 10000));
  return buf;
}

std::optional<std::string> guid_bytes(std::string_view t, std::string* canonical) {
  if (t.size() == 38 && t.front() == '{' && t.back() == '}') t = t.substr(1, 36);
  if (t.size() != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-') return std::nullopt;
  std::array<uint8_t, 16> b{};
  size_t k = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '-') continue;
    int hi = hex_digit(t[i]), lo = i + 1 < t.size() ? hex_digit(t[i + 1]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    b[k++] = static_cast<uint8_t>(hi * 16 + lo);
    ++i;
  }
  std::string out;
  for (int i : {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15}) out.push_back(static_cast<char>(b[i]));
  if (canonical) {
    *canonical = "{";
    for (char c : t) *canonical += static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
    *canonical += "}";
  }
  return out;
}

std::optional<std::string> sid_bytes(std::string_view t) {
  if (t.size() < 5 || (t.substr(0, 2) != "S-" && t.substr(0, 2) != "s-")) return std::nullopt;
  std::vector<uint64_t> parts;
  size_t pos = 2;
  while (pos <= t.size()) {
    size_t dash = t.find('-', pos);
    auto v = parse_unsigned(t.substr(pos, dash == std::string_view::npos ? std::string_view::npos : dash - pos), true);
    if (!v) return std::nullopt;
    parts.push_back(*v);
    if (dash == std::string_view::npos) break;
    pos = dash + 1;
  }
  if (parts.size() < 2 || parts[0] > 255 || parts[1] >= (uint64_t{1} << 48) || parts.size() - 2 > 15) return std::nullopt;
  std::string out;
  put_u8(out, static_cast<uint8_t>(parts[0]));
  put_u8(out, static_cast<uint8_t>(parts.size() - 2));
  for (int i = 5; i >= 0; --i) put_u8(out, static_cast<uint8_t>((parts[1] >> (8 * i)) & 0xff));
  for (size_t i = 2; i < parts.size(); ++i) {
    if (parts[i] > UINT32_MAX) return std::nullopt;
    put_u32(out, static_cast<uint32_t>(parts[i]));
  }
  return out;
}

std::string hex_text(uint64_t v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

// ------------------------------------------------------------ chunk state

struct NameTable {
  std::map<std::u16string, uint32_t> offsets;  // name -> chunk offset of its string struct
  std::array<uint32_t, 64> buckets{};
};

struct TemplateEntry {
  uint32_t offset = 0;  // chunk offset of the definition
  std::string guid;     // 16 bytes
};

struct ChunkState {
  NameTable names;
  std::map<std::string, TemplateEntry> templates;  // shape key -> definition
  std::array<uint32_t, 32> template_buckets{};
  bool register_new = true;  // false for slack records: their inline definitions stay unlisted
  int defined = 0, referenced = 0;
};

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

struct Chunk {
  std::string bytes = std::string(kChunkSize, '\0');
  uint32_t free = 512;
  uint32_t last_record = 0;
  uint64_t first_id = 0, last_id = 0;
  int records = 0;
  ChunkState st;
};

void finish_chunk(Chunk& c) {
  std::string& b = c.bytes;
  std::memcpy(b.data(), "ElfChnk\0", 8);
  set_u64(b, 8, c.first_id);
  set_u64(b, 16, c.last_id);
  set_u64(b, 24, c.first_id);
  set_u64(b, 32, c.last_id);
  set_u32(b, 40, 128);
  set_u32(b, 44, c.last_record);
  set_u32(b, 48, c.free);
  set_u32(b, 52, evtx_crc32(std::string_view(b).substr(512, c.free - 512)));
  set_u32(b, 120, 1);
  for (size_t i = 0; i < 64; ++i) set_u32(b, 128 + 4 * i, c.st.names.buckets[i]);
  for (size_t i = 0; i < 32; ++i) set_u32(b, 384 + 4 * i, c.st.template_buckets[i]);
  std::string h = b.substr(0, 120) + b.substr(128, 384);
  set_u32(b, 124, evtx_crc32(h));
}

void flip_u32(std::string& b, size_t at) { set_u32(b, at, get_u32(b, at) ^ 0xA5A5A5A5u); }

}  // namespace

// ---------------------------------------------------------------- values

const char* evtx_type_name(EvtxType type) {
  switch (type) {
    case EvtxType::null: return "null";
    case EvtxType::string: return "string";
    case EvtxType::int8: return "int8";
    case EvtxType::uint8: return "uint8";
    case EvtxType::int16: return "int16";
    case EvtxType::uint16: return "uint16";
    case EvtxType::int32: return "int32";
    case EvtxType::uint32: return "uint32";
    case EvtxType::int64: return "int64";
    case EvtxType::uint64: return "uint64";
    case EvtxType::boolean: return "bool";
    case EvtxType::binary: return "binary";
    case EvtxType::guid: return "guid";
    case EvtxType::filetime: return "filetime";
    case EvtxType::systemtime: return "systemtime";
    case EvtxType::sid: return "sid";
    case EvtxType::hex_int32: return "hex32";
    case EvtxType::hex_int64: return "hex64";
  }
  return "?";
}

std::optional<EvtxType> evtx_type_from_name(std::string_view name) {
  for (EvtxType t : {EvtxType::null, EvtxType::string, EvtxType::int8, EvtxType::uint8, EvtxType::int16,
                     EvtxType::uint16, EvtxType::int32, EvtxType::uint32, EvtxType::int64, EvtxType::uint64,
                     EvtxType::boolean, EvtxType::binary, EvtxType::guid, EvtxType::filetime, EvtxType::systemtime,
                     EvtxType::sid, EvtxType::hex_int32, EvtxType::hex_int64})
    if (name == evtx_type_name(t)) return t;
  return std::nullopt;
}

Result<EvtxValue> EvtxValue::parse(EvtxType type, std::string_view text) {
  EvtxValue v;
  v.type = type;
  auto fail = [&] {
    return bad(std::string("not a valid ") + evtx_type_name(type) + " value: '" + std::string(text) + "'");
  };
  auto put_int = [&](uint64_t bits, int bytes) {
    for (int i = 0; i < bytes; ++i) v.bytes.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  };
  switch (type) {
    case EvtxType::null: return v;
    case EvtxType::string: {
      put_utf16(v.bytes, utf16(text));
      v.text = std::string(text);
      return v;
    }
    case EvtxType::uint8: case EvtxType::uint16: case EvtxType::uint32: case EvtxType::uint64:
    case EvtxType::hex_int32: case EvtxType::hex_int64: {
      bool hex = type == EvtxType::hex_int32 || type == EvtxType::hex_int64;
      int bytes = type == EvtxType::uint8 ? 1 : type == EvtxType::uint16 ? 2
                  : (type == EvtxType::uint32 || type == EvtxType::hex_int32) ? 4 : 8;
      auto n = parse_unsigned(text, hex);
      if (!n || (bytes < 8 && *n >= (uint64_t{1} << (8 * bytes)))) return fail();
      put_int(*n, bytes);
      v.text = hex ? hex_text(*n, bytes * 2) : std::to_string(*n);
      return v;
    }
    case EvtxType::int8: case EvtxType::int16: case EvtxType::int32: case EvtxType::int64: {
      int bytes = type == EvtxType::int8 ? 1 : type == EvtxType::int16 ? 2 : type == EvtxType::int32 ? 4 : 8;
      auto n = parse_signed(text);
      int64_t lim = bytes == 8 ? INT64_MAX : (int64_t{1} << (8 * bytes - 1)) - 1;
      if (!n || *n > lim || *n < -lim - 1) return fail();
      put_int(static_cast<uint64_t>(*n), bytes);
      v.text = std::to_string(*n);
      return v;
    }
    case EvtxType::boolean: {
      bool b;
      if (text == "true" || text == "1" || text == "True") b = true;
      else if (text == "false" || text == "0" || text == "False") b = false;
      else return fail();
      put_int(b ? 1 : 0, 4);
      v.text = b ? "true" : "false";
      return v;
    }
    case EvtxType::binary: {
      if (text.size() % 2) return fail();
      for (size_t i = 0; i < text.size(); i += 2) {
        int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) return fail();
        v.bytes.push_back(static_cast<char>(hi * 16 + lo));
        v.text += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
        v.text += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i + 1])));
      }
      return v;
    }
    case EvtxType::guid: {
      auto b = guid_bytes(text, &v.text);
      if (!b) return fail();
      v.bytes = *b;
      return v;
    }
    case EvtxType::sid: {
      auto b = sid_bytes(text);
      if (!b) return fail();
      v.bytes = *b;
      v.text = "S" + std::string(text.substr(1));
      return v;
    }
    case EvtxType::filetime: {
      auto t = parse_iso_ticks(text);
      if (!t || *t < 0) return fail();
      put_int(static_cast<uint64_t>(*t), 8);
      v.text = format_filetime(*t);
      return v;
    }
    case EvtxType::systemtime: {
      auto t = parse_iso_ticks(text);
      if (!t || *t < 0) return fail();
      Civil c = civil_from_ticks(*t);
      for (int64_t part : {c.y, static_cast<int64_t>(c.m), static_cast<int64_t>(c.dow), static_cast<int64_t>(c.d),
                           static_cast<int64_t>(c.hh), static_cast<int64_t>(c.mm), static_cast<int64_t>(c.ss),
                           c.frac / 10000})
        put_int(static_cast<uint64_t>(part), 2);
      v.text = format_systemtime_text(c);
      return v;
    }
  }
  return fail();
}

EvtxValue EvtxValue::of(EvtxType type, std::string_view text) {
  auto r = parse(type, text);
  if (!r) throw std::invalid_argument(r.status().message());
  return std::move(r.value());
}
EvtxValue EvtxValue::null_value() { return EvtxValue{}; }
EvtxValue EvtxValue::str(std::string_view utf8) { return of(EvtxType::string, utf8); }
EvtxValue EvtxValue::u8(uint8_t v) { return of(EvtxType::uint8, std::to_string(v)); }
EvtxValue EvtxValue::u16(uint16_t v) { return of(EvtxType::uint16, std::to_string(v)); }
EvtxValue EvtxValue::u32(uint32_t v) { return of(EvtxType::uint32, std::to_string(v)); }
EvtxValue EvtxValue::u64(uint64_t v) { return of(EvtxType::uint64, std::to_string(v)); }
EvtxValue EvtxValue::i32(int32_t v) { return of(EvtxType::int32, std::to_string(v)); }
EvtxValue EvtxValue::i64(int64_t v) { return of(EvtxType::int64, std::to_string(v)); }
EvtxValue EvtxValue::boolean(bool v) { return of(EvtxType::boolean, v ? "true" : "false"); }
EvtxValue EvtxValue::binary(std::string_view raw_bytes) {
  static const char* hex = "0123456789ABCDEF";
  std::string t;
  for (char c : raw_bytes) {
    t += hex[static_cast<uint8_t>(c) >> 4];
    t += hex[static_cast<uint8_t>(c) & 15];
  }
  return of(EvtxType::binary, t);
}
EvtxValue EvtxValue::hex32(uint32_t v) { return of(EvtxType::hex_int32, std::to_string(v)); }
EvtxValue EvtxValue::hex64(uint64_t v) { return of(EvtxType::hex_int64, std::to_string(v)); }
EvtxValue EvtxValue::guid(std::string_view text) { return of(EvtxType::guid, text); }
EvtxValue EvtxValue::sid(std::string_view text) { return of(EvtxType::sid, text); }
EvtxValue EvtxValue::filetime(std::string_view iso_utc) { return of(EvtxType::filetime, iso_utc); }
EvtxValue EvtxValue::systemtime(std::string_view iso_utc) { return of(EvtxType::systemtime, iso_utc); }

std::string format_filetime(int64_t ticks) {
  Civil c = civil_from_ticks(ticks);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%07lldZ", static_cast<long long>(c.y), c.m, c.d, c.hh,
                c.mm, c.ss, static_cast<long long>(c.frac));
  return buf;
}

std::optional<int64_t> evtx_record_filetime(const EvtxRecordSpec& r) {
  if (!r.time.empty()) return parse_iso_ticks(r.time);
  if (r.time_us) return *r.time_us * 10 + kFiletimeUnixOffset;
  return std::nullopt;
}

uint32_t evtx_crc32(std::string_view bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : bytes) crc = table[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

// ------------------------------------------------------------------ file

Result<std::string> build_evtx(const EvtxFileSpec& spec, EvtxWriteInfo* info_out) {
  EvtxWriteInfo info;
  std::vector<Chunk> chunks(1);
  uint64_t next_id = 1;
  for (size_t i = 0; i < spec.records.size(); ++i) {
    const EvtxRecordSpec& r = spec.records[i];
    uint64_t id = r.record_id ? r.record_id : next_id;
    next_id = id + 1;
    auto ticks = evtx_record_filetime(r);
    if (!ticks) return bad("record " + std::to_string(i + 1) + " (id " + std::to_string(id) + ") has no valid time");
    for (int attempt = 0;; ++attempt) {
      Chunk& c = chunks.back();
      ChunkState trial = c.st;
      auto rec = encode_record(r, id, *ticks, spec, c.free, trial);
      if (!rec) return rec.status();
      if (c.free + rec->size() <= kChunkSize) {
        std::memcpy(c.bytes.data() + c.free, rec->data(), rec->size());
        c.last_record = c.free;
        c.free += static_cast<uint32_t>(rec->size());
        if (c.records++ == 0) c.first_id = id;
        c.last_id = id;
        c.st = std::move(trial);
        info.record_ids.push_back(id);
        info.record_chunk.push_back(static_cast<int>(chunks.size()) - 1);
        break;
      }
      if (attempt > 0 || c.records == 0)
        return Status::error(ErrorKind::limit, "record " + std::to_string(id) + " is " + std::to_string(rec->size()) +
                                                   " bytes: larger than a chunk's record space");
      chunks.emplace_back();
    }
  }
  // Slack records: after the free-space offset, outside the tables and the CRC.
  const EvtxDamage& dmg = spec.damage;
  if (!dmg.slack_records.empty()) {
    int ci = dmg.slack_chunk < 0 ? static_cast<int>(chunks.size()) - 1 : dmg.slack_chunk;
    if (ci >= static_cast<int>(chunks.size())) return bad("slack chunk " + std::to_string(ci) + " does not exist");
    Chunk& c = chunks[ci];
    ChunkState st = c.st;
    st.register_new = false;
    uint32_t at = c.free;
    for (const auto& r : dmg.slack_records) {
      uint64_t id = r.record_id ? r.record_id : next_id++;
      auto ticks = evtx_record_filetime(r);
      if (!ticks) return bad("slack record " + std::to_string(id) + " has no valid time");
      auto rec = encode_record(r, id, *ticks, spec, at, st);
      if (!rec) return rec.status();
      if (at + rec->size() > kChunkSize) return Status::error(ErrorKind::limit, "slack records do not fit in the chunk");
      std::memcpy(c.bytes.data() + at, rec->data(), rec->size());
      at += static_cast<uint32_t>(rec->size());
      info.slack_record_ids.push_back(id);
    }
  }
  std::string file(kFileHeaderSize, '\0');
  for (const auto& c : chunks) {
    info.templates_defined += c.st.defined;
    info.template_references += c.st.referenced;
  }
  for (auto& c : chunks) {
    finish_chunk(c);
    file += c.bytes;
  }
  uint16_t count = dmg.header_chunk_count ? *dmg.header_chunk_count : static_cast<uint16_t>(chunks.size());
  std::memcpy(file.data(), "ElfFile\0", 8);
  set_u64(file, 8, 0);
  set_u64(file, 16, count ? count - 1u : 0u);
  uint64_t header_next = next_id;
  if (dmg.header_chunk_count && *dmg.header_chunk_count < chunks.size() && *dmg.header_chunk_count > 0)
    header_next = chunks[*dmg.header_chunk_count - 1].last_id + 1;
  set_u64(file, 24, header_next);
  set_u32(file, 32, 128);
  set_u16(file, 36, 1);
  set_u16(file, 38, 3);
  set_u16(file, 40, static_cast<uint16_t>(kFileHeaderSize));
  set_u16(file, 42, count);
  set_u32(file, 120, dmg.dirty ? 1u : 0u);
  set_u32(file, 124, evtx_crc32(std::string_view(file).substr(0, 120)));
  if (dmg.bad_file_header_crc) flip_u32(file, 124);
  auto chunk_at = [&](int i) -> Result<size_t> {
    if (i < 0 || i >= static_cast<int>(chunks.size())) return bad("damage names chunk " + std::to_string(i) + ", which does not exist");
    return kFileHeaderSize + static_cast<size_t>(i) * kChunkSize;
  };
  for (int i : dmg.bad_chunk_magic) {
    auto at = chunk_at(i);
    if (!at) return at.status();
    file[*at + 6] = 'X';
  }
  for (int i : dmg.bad_chunk_header_crc) {
    auto at = chunk_at(i);
    if (!at) return at.status();
    flip_u32(file, *at + 124);
  }
  for (int i : dmg.bad_chunk_data_crc) {
    auto at = chunk_at(i);
    if (!at) return at.status();
    flip_u32(file, *at + 52);
  }
  if (dmg.truncate_to && *dmg.truncate_to < file.size()) file.resize(*dmg.truncate_to);
  info.chunks = static_cast<int>(chunks.size());
  info.file_size = file.size();
  if (info_out) *info_out = std::move(info);
  return file;
}

Result<EvtxWriteInfo> write_evtx(const std::filesystem::path& path, const EvtxFileSpec& spec) {
  EvtxWriteInfo info;
  auto bytes = build_evtx(spec, &info);
  if (!bytes) return bytes.status();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) return Status::error(ErrorKind::io, "cannot write " + path.string());
  return info;
}

Result<EvtxWriteInfo> write_evtx(const std::filesystem::path& path, std::string_view channel, std::string_view computer,
                                 const std::vector<EvtxRecordSpec>& records, const EvtxDamage& damage,
                                 const EvtxOptions& options) {
  EvtxFileSpec spec;
  spec.channel = std::string(channel);
  spec.computer = std::string(computer);
  spec.records = records;
  spec.damage = damage;
  spec.options = options;
  return write_evtx(path, spec);
}

// ----------------------------------------------------------- description

namespace {

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n == 'n' || n == 't' || n == '\\') {
        out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : '\\');
        ++i;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// Splits off the first space-separated word.
std::string_view next_word(std::string_view& rest) {
  size_t b = rest.find_first_not_of(" \t");
  if (b == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(b);
  size_t e = rest.find_first_of(" \t");
  std::string_view w = rest.substr(0, e);
  rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 1);
  return w;
}

template <class Int>
std::optional<Int> number(std::string_view t) {
  auto v = parse_unsigned(t, true);
  if (!v || *v > static_cast<uint64_t>(std::numeric_limits<Int>::max())) return std::nullopt;
  return static_cast<Int>(*v);
}

// Applies one "key value" line to a record; an error message or "".
std::string record_line(EvtxRecordSpec& r, std::string_view key, std::string_view rest) {
  std::string value = unescape(rest);
  auto num = [&](auto& field) -> std::string {
    using F = std::remove_reference_t<decltype(field)>;
    auto n = number<F>(value);
    if (!n) return "'" + value + "' is not a valid number for " + std::string(key);
    field = *n;
    return "";
  };
  auto opt32 = [&](std::optional<uint32_t>& field) -> std::string {
    auto n = number<uint32_t>(value);
    if (!n) return "'" + value + "' is not a valid number for " + std::string(key);
    field = *n;
    return "";
  };
  if (key == "provider") r.provider = value;
  else if (key == "provider_guid") r.provider_guid = value;
  else if (key == "event_source_name") r.event_source_name = value;
  else if (key == "event_id") return num(r.event_id);
  else if (key == "qualifiers") {
    auto n = number<uint16_t>(value);
    if (!n) return "'" + value + "' is not a valid number for qualifiers";
    r.qualifiers = *n;
  } else if (key == "version") return num(r.version);
  else if (key == "level") return num(r.level);
  else if (key == "task") return num(r.task);
  else if (key == "opcode") return num(r.opcode);
  else if (key == "keywords") return num(r.keywords);
  else if (key == "time") {
    if (!parse_iso_ticks(value)) return "'" + value + "' is not an ISO 8601 UTC time";
    r.time = value;
  } else if (key == "record_id") return num(r.record_id);
  else if (key == "channel") r.channel = value;
  else if (key == "computer") r.computer = value;
  else if (key == "user_sid") r.user_sid = value;
  else if (key == "activity_id") r.activity_id = value;
  else if (key == "related_activity_id") r.related_activity_id = value;
  else if (key == "process_id") return opt32(r.process_id);
  else if (key == "thread_id") return opt32(r.thread_id);
  else if (key == "user_data") {
    std::string_view rr = rest;
    r.user_data_root = std::string(next_word(rr));
    r.user_data_ns = unescape(rr);
    if (r.user_data_root.empty()) return "user_data needs ROOT [NAMESPACE]";
  } else if (key == "data") {
    std::string_view rr = rest;
    std::string_view name = next_word(rr);
    std::string_view type_name = next_word(rr);
    auto type = evtx_type_from_name(type_name);
    if (name.empty() || !type) return "data needs NAME TYPE VALUE (unknown type '" + std::string(type_name) + "')";
    auto v = EvtxValue::parse(*type, unescape(rr));
    if (!v) return v.status().message();
    r.data.push_back(EvtxDataItem{name == "-" ? std::string() : std::string(name), std::move(v.value())});
  } else {
    return "unknown record key '" + std::string(key) + "'";
  }
  return "";
}

}  // namespace

Result<EvtxFileSpec> parse_evtx_description(std::string_view text) {
  EvtxFileSpec spec;
  EvtxRecordSpec current;
  enum { none, in_record, in_slack } state = none;
  int line_no = 0;
  auto error = [&](const std::string& m) { return bad("line " + std::to_string(line_no) + ": " + m); };
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view rest = line;
    std::string_view key = next_word(rest);
    if (key.empty() || key[0] == '#') continue;
    if (state != none) {
      if (key == "end") {
        (state == in_record ? spec.records : spec.damage.slack_records).push_back(std::move(current));
        current = EvtxRecordSpec{};
        state = none;
      } else if (std::string m = record_line(current, key, rest); !m.empty()) {
        return error(m);
      }
      continue;
    }
    std::string value = unescape(rest);
    if (key == "record") state = in_record;
    else if (key == "slack") state = in_slack;
    else if (key == "channel") spec.channel = value;
    else if (key == "computer") spec.computer = value;
    else if (key == "layout") {
      if (value != "nested" && value != "flat") return error("layout is nested or flat");
      spec.options.nested_event_data = value == "nested";
    } else if (key == "damage") {
      std::string_view rr = rest;
      std::string_view what = next_word(rr);
      std::string arg(next_word(rr));
      auto index = [&]() -> std::optional<int> {
        auto n = number<uint16_t>(arg);
        return n ? std::optional<int>(*n) : std::nullopt;
      };
      if (what == "dirty") spec.damage.dirty = true;
      else if (what == "bad_file_header_crc") spec.damage.bad_file_header_crc = true;
      else if (what == "header_chunk_count" && index()) spec.damage.header_chunk_count = static_cast<uint16_t>(*index());
      else if (what == "bad_chunk_magic" && index()) spec.damage.bad_chunk_magic.push_back(*index());
      else if (what == "bad_chunk_header_crc" && index()) spec.damage.bad_chunk_header_crc.push_back(*index());
      else if (what == "bad_chunk_data_crc" && index()) spec.damage.bad_chunk_data_crc.push_back(*index());
      else if (what == "slack_chunk" && index()) spec.damage.slack_chunk = *index();
      else if (what == "truncate" && number<uint64_t>(arg)) spec.damage.truncate_to = *number<uint64_t>(arg);
      else return error("unknown or incomplete damage '" + std::string(what) + " " + arg + "'");
    } else {
      return error("unknown directive '" + std::string(key) + "'");
    }
  }
  if (state != none) return error("record without 'end'");
  return spec;
}

}  // namespace pm::test
