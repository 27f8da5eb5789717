// BinXml value types and their text, as Event Viewer shows them.
//
// Text forms: UTF-16 and ANSI strings up to the first NUL (ANSI decoded as
// Windows-1252); integers in decimal; float/double shortest round-trip;
// bool "true"/"false" (any non-zero is true); binary as upper-case hex;
// GUID "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" upper case; SizeT, HexInt32,
// HexInt64 and EvtHandle as "0x" + lower-case hex without padding;
// FILETIME "YYYY-MM-DDTHH:MM:SS.fffffffZ" (UTC, 100 ns); SYSTEMTIME
// "YYYY-MM-DDTHH:MM:SS.mmmZ"; SID "S-1-5-21-..."; arrays (type | 0x80) item by
// item joined with ", " (string arrays are NUL-separated). Nested BinXml
// (0x21) and EvtXml (0x23) are not text: binxml.h expands them.
//
// Escaping: Escape::xml replaces & < > ' " with entities and characters XML
// 1.0 forbids with U+FFFD; Escape::json escapes as JSON string content;
// Escape::none appends UTF-8 as is. Unpaired surrogates become U+FFFD.
//
// append_value() returns false when the bytes are not a valid value of the
// type (wrong size, bad SID, invalid date); the raw bytes are then appended as
// hex so nothing is lost. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace pm::evtx {

enum ValueType : uint8_t {
  kNull = 0x00, kString = 0x01, kAnsiString = 0x02, kInt8 = 0x03, kUInt8 = 0x04, kInt16 = 0x05,
  kUInt16 = 0x06, kInt32 = 0x07, kUInt32 = 0x08, kInt64 = 0x09, kUInt64 = 0x0A, kFloat = 0x0B,
  kDouble = 0x0C, kBool = 0x0D, kBinary = 0x0E, kGuid = 0x0F, kSizeT = 0x10, kFileTime = 0x11,
  kSysTime = 0x12, kSid = 0x13, kHexInt32 = 0x14, kHexInt64 = 0x15, kEvtHandle = 0x20,
  kBinXml = 0x21, kEvtXml = 0x23, kArray = 0x80,
};

enum class Escape : uint8_t { none, xml, json };

// Bytes of one item of a fixed-size type (0 for strings, binary, SID, ...).
size_t fixed_size(uint8_t type);

// True for a type this reader knows (scalar, array of a scalar, BinXml, EvtXml).
bool known_type(uint8_t type);

// UTF-16LE (n bytes, an odd last byte ignored) to UTF-8, escaped.
void append_utf16(std::string& out, const uint8_t* p, size_t n, Escape esc);
// UTF-8 text, escaped.
void append_escaped(std::string& out, const char* p, size_t n, Escape esc);
// One Unicode code point, escaped (char references).
void append_code_point(std::string& out, uint32_t cp, Escape esc);

// The text of a value (see the header comment); false when invalid.
bool append_value(std::string& out, uint8_t type, const uint8_t* p, size_t n, Escape esc);

// Calls fn(item, item_size) for each item of an array value of `type`
// (with or without the 0x80 bit). False when the bytes do not split evenly.
template <class F>
bool for_each_item(uint8_t type, const uint8_t* p, size_t n, F&& fn);

// Upper-case hex of bytes.
void append_hex(std::string& out, const uint8_t* p, size_t n);
// "YYYY-MM-DDTHH:MM:SS.fffffffZ" for 100 ns ticks since 1601.
void append_filetime(std::string& out, uint64_t ticks);
// Microseconds since 1970 for 100 ns ticks since 1601 (floor).
int64_t filetime_to_unix_us(uint64_t ticks);
// The value as an unsigned number when it is an integer type (any width,
// also HexInt, SizeT, bool) or a decimal / 0x-hex string.
std::optional<uint64_t> value_as_uint(uint8_t type, const uint8_t* p, size_t n);

// ---- implementation of the template

size_t sid_size(const uint8_t* p, size_t n);  // bytes of the SID at p, 0 when malformed

template <class F>
bool for_each_item(uint8_t type, const uint8_t* p, size_t n, F&& fn) {
  type &= 0x7F;
  if (type == kString || type == kAnsiString) {
    const size_t unit = type == kString ? 2 : 1;
    size_t start = 0, i = 0;
    n -= n % unit;
    for (; i + unit <= n; i += unit) {
      bool nul = unit == 2 ? (p[i] == 0 && p[i + 1] == 0) : p[i] == 0;
      if (nul) {
        fn(p + start, i - start);
        start = i + unit;
      }
    }
    if (start < n) fn(p + start, n - start);
    return true;
  }
  if (type == kSid) {
    size_t i = 0;
    while (i < n) {
      size_t s = sid_size(p + i, n - i);
      if (s == 0) return false;
      fn(p + i, s);
      i += s;
    }
    return true;
  }
  size_t item = type == kSizeT ? (n % 8 == 0 ? 8 : 4) : fixed_size(type);
  if (item == 0 || n % item != 0) return false;
  for (size_t i = 0; i < n; i += item) fn(p + i, item);
  return true;
}

}  // namespace pm::evtx
