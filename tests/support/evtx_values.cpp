// EVTX writer values: EvtxValue parsing and shorthands, type names, and
// FILETIME / SYSTEMTIME / GUID / SID encoding (see evtx_writer.h).
#include <array>
#include <cctype>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "parsers/core/time_util.h"
#include "support/evtx_encoding.h"
#include "support/evtx_values.h"
#include "support/evtx_writer.h"

namespace pm::test {
using namespace evtx_detail;
namespace {

constexpr int64_t kFiletimeUnixOffset = 116444736000000000LL;  // ticks from 1601 to 1970

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

namespace evtx_detail {

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

}  // namespace evtx_detail

namespace {

std::optional<int64_t> parse_signed(std::string_view t) {
  bool neg = !t.empty() && t[0] == '-';
  auto u = parse_unsigned(neg ? t.substr(1) : t, false);
  if (!u || *u > (neg ? uint64_t{1} << 63 : static_cast<uint64_t>(INT64_MAX))) return std::nullopt;
  return neg ? static_cast<int64_t>(0 - *u) : static_cast<int64_t>(*u);
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

}  // namespace

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

}  // namespace pm::test
