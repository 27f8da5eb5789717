#include "parsers/evtx/values.h"

#include <charconv>
#include <cstring>

#include "parsers/core/text.h"
#include "parsers/evtx/evtx_file.h"

namespace pm::evtx {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

template <class T>
void append_int(std::string& out, T v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_hex_number(std::string& out, uint64_t v) {
  char buf[18];
  char* e = buf + sizeof buf;
  char* b = e;
  do {
    *--b = kHexLower[v & 15];
    v >>= 4;
  } while (v);
  out.append("0x");
  out.append(b, e);
}

void two(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

// Howard Hinnant's civil_from_days.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

void append_date_time(std::string& out, int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
                      uint32_t frac7) {
  char buf[40];
  auto r = std::to_chars(buf, buf + 40, y);
  size_t len = static_cast<size_t>(r.ptr - buf);
  for (size_t i = len; i < 4; ++i) out.push_back('0');
  out.append(buf, len);
  out.push_back('-');
  two(out, mo);
  out.push_back('-');
  two(out, d);
  out.push_back('T');
  two(out, h);
  out.push_back(':');
  two(out, mi);
  out.push_back(':');
  two(out, s);
  out.push_back('.');
  char f[7];
  for (int i = 6; i >= 0; --i) {
    f[i] = static_cast<char>('0' + frac7 % 10);
    frac7 /= 10;
  }
  out.append(f, 7);
  out.push_back('Z');
}

void append_guid(std::string& out, const uint8_t* p) {
  char b[38];
  auto hex = [&](char* at, uint64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      at[i] = kHexUpper[v & 15];
      v >>= 4;
    }
  };
  b[0] = '{';
  hex(b + 1, rd32(p), 8);
  b[9] = '-';
  hex(b + 10, rd16(p + 4), 4);
  b[14] = '-';
  hex(b + 15, rd16(p + 6), 4);
  b[19] = '-';
  for (int i = 0; i < 2; ++i) hex(b + 20 + 2 * i, p[8 + i], 2);
  b[24] = '-';
  for (int i = 0; i < 6; ++i) hex(b + 25 + 2 * i, p[10 + i], 2);
  b[37] = '}';
  out.append(b, 38);
}

bool append_sid(std::string& out, const uint8_t* p, size_t n) {
  if (sid_size(p, n) != n) return false;
  uint64_t authority = 0;
  for (int i = 2; i < 8; ++i) authority = (authority << 8) | p[i];
  out.append("S-");
  append_int(out, static_cast<unsigned>(p[0]));
  out.push_back('-');
  if (authority >= (uint64_t{1} << 32)) append_hex_number(out, authority);
  else append_int(out, authority);
  for (unsigned i = 0; i < p[1]; ++i) {
    out.push_back('-');
    append_int(out, rd32(p + 8 + 4 * i));
  }
  return true;
}

bool append_systemtime(std::string& out, const uint8_t* p) {
  unsigned y = rd16(p), mo = rd16(p + 2), d = rd16(p + 6), h = rd16(p + 8), mi = rd16(p + 10),
           s = rd16(p + 12), ms = rd16(p + 14);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || ms > 999) return false;
  append_date_time(out, y, mo, d, h, mi, s, ms * 10000);
  out.erase(out.size() - 5, 4);  // milliseconds: "...:33.456Z"
  return true;
}

// Length in bytes up to the first NUL unit.
size_t until_nul(const uint8_t* p, size_t n, size_t unit) {
  if (unit == 1) {
    const void* z = std::memchr(p, 0, n);
    return z ? static_cast<size_t>(static_cast<const uint8_t*>(z) - p) : n;
  }
  n &= ~size_t{1};
  for (size_t i = 0; i < n; i += 2)
    if (p[i] == 0 && p[i + 1] == 0) return i;
  return n;
}

bool append_scalar(std::string& out, uint8_t type, const uint8_t* p, size_t n, Escape esc) {
  size_t fs = fixed_size(type);
  if (fs && n != fs && type != kBool) {
    append_hex(out, p, n);
    return false;
  }
  switch (type) {
    case kNull: return true;
    case kString: append_utf16(out, p, until_nul(p, n, 2), esc); return true;
    case kAnsiString: {
      thread_local std::string tmp;
      tmp.clear();
      pm::append_utf8(tmp, std::string_view(reinterpret_cast<const char*>(p), until_nul(p, n, 1)),
                      Encoding::windows1252);
      append_escaped(out, tmp.data(), tmp.size(), esc);
      return true;
    }
    case kInt8: append_int(out, static_cast<int8_t>(p[0])); return true;
    case kUInt8: append_int(out, p[0]); return true;
    case kInt16: append_int(out, static_cast<int16_t>(rd16(p))); return true;
    case kUInt16: append_int(out, rd16(p)); return true;
    case kInt32: append_int(out, static_cast<int32_t>(rd32(p))); return true;
    case kUInt32: append_int(out, rd32(p)); return true;
    case kInt64: append_int(out, static_cast<int64_t>(rd64(p))); return true;
    case kUInt64: append_int(out, rd64(p)); return true;
    case kFloat: {
      float f;
      std::memcpy(&f, p, 4);
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, f);
      out.append(buf, r.ptr);
      return true;
    }
    case kDouble: {
      double f;
      std::memcpy(&f, p, 8);
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, f);
      out.append(buf, r.ptr);
      return true;
    }
    case kBool: {
      if (n != 1 && n != 2 && n != 4 && n != 8) {
        append_hex(out, p, n);
        return false;
      }
      bool nonzero = false;
      for (size_t i = 0; i < n; ++i) nonzero |= p[i] != 0;
      out.append(nonzero ? "true" : "false");
      return true;
    }
    case kBinary: append_hex(out, p, n); return true;
    case kGuid: append_guid(out, p); return true;
    case kSizeT:
    case kEvtHandle:
      if (n == 4) append_hex_number(out, rd32(p));
      else if (n == 8) append_hex_number(out, rd64(p));
      else {
        append_hex(out, p, n);
        return false;
      }
      return true;
    case kFileTime: append_filetime(out, rd64(p)); return true;
    case kSysTime:
      if (!append_systemtime(out, p)) {
        append_hex(out, p, n);
        return false;
      }
      return true;
    case kSid:
      if (!append_sid(out, p, n)) {
        append_hex(out, p, n);
        return false;
      }
      return true;
    case kHexInt32: append_hex_number(out, rd32(p)); return true;
    case kHexInt64: append_hex_number(out, rd64(p)); return true;
    case kBinXml:
    case kEvtXml: append_hex(out, p, n); return true;
    default: append_hex(out, p, n); return false;
  }
}

}  // namespace

size_t fixed_size(uint8_t type) {
  switch (type & 0x7F) {
    case kInt8: case kUInt8: return 1;
    case kInt16: case kUInt16: return 2;
    case kInt32: case kUInt32: case kFloat: case kBool: case kHexInt32: return 4;
    case kInt64: case kUInt64: case kDouble: case kFileTime: case kHexInt64: return 8;
    case kGuid: case kSysTime: return 16;
    default: return 0;
  }
}

bool known_type(uint8_t type) {
  uint8_t t = type & 0x7F;
  if (t <= kHexInt64) return !(type & kArray) || t != kNull;
  if (type == kEvtHandle || type == kBinXml || type == kEvtXml) return true;
  return false;
}

size_t sid_size(const uint8_t* p, size_t n) {
  if (n < 8) return 0;
  size_t s = 8 + 4 * size_t{p[1]};
  return s <= n ? s : 0;
}

void append_hex(std::string& out, const uint8_t* p, size_t n) {
  size_t at = out.size();
  out.resize(at + 2 * n);
  char* o = out.data() + at;
  for (size_t i = 0; i < n; ++i) {
    o[2 * i] = kHexUpper[p[i] >> 4];
    o[2 * i + 1] = kHexUpper[p[i] & 15];
  }
}

void append_filetime(std::string& out, uint64_t ticks) {
  uint64_t secs = ticks / 10'000'000;
  uint32_t frac = static_cast<uint32_t>(ticks % 10'000'000);
  int64_t days = static_cast<int64_t>(secs / 86400) - 134774;  // 1601-01-01 -> 1970-01-01
  unsigned sod = static_cast<unsigned>(secs % 86400);
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  append_date_time(out, y, m, d, sod / 3600, sod / 60 % 60, sod % 60, frac);
}

int64_t filetime_to_unix_us(uint64_t ticks) {
  return static_cast<int64_t>(ticks / 10) - 11'644'473'600'000'000LL;
}

bool append_value(std::string& out, uint8_t type, const uint8_t* p, size_t n, Escape esc) {
  if (!(type & kArray)) return append_scalar(out, type, p, n, esc);
  bool ok = true, first = true;
  uint8_t item_type = type & 0x7F;
  bool split = for_each_item(item_type, p, n, [&](const uint8_t* ip, size_t in) {
    if (!first) out.append(", ");
    first = false;
    ok &= append_scalar(out, item_type, ip, in, esc);
  });
  if (!split) {
    append_hex(out, p, n);
    return false;
  }
  return ok;
}

std::optional<uint64_t> value_as_uint(uint8_t type, const uint8_t* p, size_t n) {
  switch (type) {
    case kInt8: case kUInt8: if (n == 1) return p[0]; break;
    case kInt16: case kUInt16: if (n == 2) return rd16(p); break;
    case kInt32: case kUInt32: case kHexInt32: case kBool: if (n == 4) return rd32(p); break;
    case kInt64: case kUInt64: case kHexInt64: if (n == 8) return rd64(p); break;
    case kSizeT: case kEvtHandle:
      if (n == 4) return rd32(p);
      if (n == 8) return rd64(p);
      break;
    case kString: case kAnsiString: {
      std::string s;
      append_scalar(s, type, p, n, Escape::none);
      uint64_t v = 0;
      const char* b = s.data();
      const char* e = b + s.size();
      int base = 10;
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        b += 2;
        base = 16;
      }
      auto r = std::from_chars(b, e, v, base);
      if (r.ec == std::errc() && r.ptr == e && b != e) return v;
      break;
    }
    default: break;
  }
  return std::nullopt;
}

}  // namespace pm::evtx
