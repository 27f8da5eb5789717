// BinXml value text forms (parsers/evtx/values.h), escaping, and the CRC32.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "parsers/evtx/evtx_file.h"
#include "parsers/evtx/values.h"

using namespace pm::evtx;

namespace {

std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return s;
}

std::string u16s(const std::u16string& s) {
  std::string b;
  for (char16_t c : s) b += le(c, 2);
  return b;
}

struct Rendered {
  std::string text;
  bool ok;
};

Rendered render(uint8_t type, const std::string& bytes, Escape esc = Escape::none) {
  Rendered r;
  r.ok = append_value(r.text, type, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), esc);
  return r;
}

std::string text(uint8_t type, const std::string& bytes, Escape esc = Escape::none) {
  Rendered r = render(type, bytes, esc);
  INFO("type " << int(type) << " -> " << r.text);
  CHECK(r.ok);
  return r.text;
}

}  // namespace

TEST_CASE("evtx values: integers, floats and booleans", "[parsers][evtx]") {
  CHECK(text(kInt8, le(0xFF, 1)) == "-1");
  CHECK(text(kUInt8, le(0xFF, 1)) == "255");
  CHECK(text(kInt16, le(0x8000, 2)) == "-32768");
  CHECK(text(kUInt16, le(7045, 2)) == "7045");
  CHECK(text(kInt32, le(0xFFFFFFFE, 4)) == "-2");
  CHECK(text(kUInt32, le(4294967295u, 4)) == "4294967295");
  CHECK(text(kInt64, le(0x8000000000000000ULL, 8)) == "-9223372036854775808");
  CHECK(text(kUInt64, le(18446744073709551615ULL, 8)) == "18446744073709551615");
  float f = 1.5f;
  std::string fb(4, '\0');
  std::memcpy(fb.data(), &f, 4);
  CHECK(text(kFloat, fb) == "1.5");
  double d = 0.1;
  std::string db(8, '\0');
  std::memcpy(db.data(), &d, 8);
  CHECK(text(kDouble, db) == "0.1");
  CHECK(text(kBool, le(0, 4)) == "false");
  CHECK(text(kBool, le(1, 4)) == "true");
  CHECK(text(kBool, le(0x100, 4)) == "true");  // irregular non-zero values are true
}

TEST_CASE("evtx values: hex, SizeT, GUID, SID, binary", "[parsers][evtx]") {
  CHECK(text(kHexInt32, le(0xC000006D, 4)) == "0xc000006d");
  CHECK(text(kHexInt64, le(0x3e7, 8)) == "0x3e7");  // Event Viewer: no padding
  CHECK(text(kHexInt64, le(0, 8)) == "0x0");
  CHECK(text(kSizeT, le(0x24c, 8)) == "0x24c");
  CHECK(text(kSizeT, le(0x24c, 4)) == "0x24c");
  std::string guid = le(0x54849625, 4) + le(0x5478, 2) + le(0x4994, 2) + "\xA5\xBA\x3E\x3B\x03\x28\xC3\x0D";
  CHECK(text(kGuid, guid) == "{54849625-5478-4994-A5BA-3E3B0328C30D}");
  std::string sid = std::string("\x01\x05\x00\x00\x00\x00\x00\x05", 8) + le(21, 4) + le(3463664321u, 4) +
                    le(2923530833u, 4) + le(3546627382u, 4) + le(1000, 4);
  CHECK(text(kSid, sid) == "S-1-5-21-3463664321-2923530833-3546627382-1000");
  CHECK(text(kSid, std::string("\x01\x01\x00\x00\x00\x00\x00\x05", 8) + le(18, 4)) == "S-1-5-18");
  CHECK(text(kBinary, std::string("\x00\xAB\x10", 3)) == "00AB10");
  CHECK(text(kBinary, "") == "");
}

TEST_CASE("evtx values: FILETIME and SYSTEMTIME", "[parsers][evtx]") {
  // 2013-10-23T16:22:39.9735000Z
  CHECK(text(kFileTime, le(130270189599735000ULL, 8)) == "2013-10-23T16:22:39.9735000Z");
  CHECK(text(kFileTime, le(0, 8)) == "1601-01-01T00:00:00.0000000Z");
  CHECK(filetime_to_unix_us(116444736000000000ULL) == 0);
  CHECK(filetime_to_unix_us(130270189599735000ULL) == 1382545359973500);
  std::string st = le(2020, 2) + le(7, 2) + le(5, 2) + le(24, 2) + le(14, 2) + le(21, 2) + le(33, 2) + le(456, 2);
  CHECK(text(kSysTime, st) == "2020-07-24T14:21:33.456Z");
  std::string bad = le(2020, 2) + le(13, 2) + le(5, 2) + le(24, 2) + le(14, 2) + le(21, 2) + le(33, 2) + le(456, 2);
  Rendered r = render(kSysTime, bad);
  CHECK_FALSE(r.ok);  // month 13: kept as hex
  CHECK(r.text.size() == 32);
}

TEST_CASE("evtx values: strings, ANSI strings and escaping", "[parsers][evtx]") {
  CHECK(text(kString, u16s(u"C:\\Windows")) == "C:\\Windows");
  CHECK(text(kString, u16s(u"abc") + std::string(2, '\0') + u16s(u"junk")) == "abc");  // up to the first NUL
  CHECK(text(kString, u16s(u"M\u00FCller \u20AC")) == "M\xC3\xBCller \xE2\x82\xAC");
  CHECK(text(kString, u16s(u"\U0001F600")) == "\xF0\x9F\x98\x80");  // surrogate pair
  CHECK(text(kString, le(0xD800, 2) + u16s(u"x")) == "\xEF\xBF\xBDx");  // unpaired surrogate
  CHECK(text(kAnsiString, std::string("caf\xE9\0", 5)) == "caf\xC3\xA9");  // Windows-1252
  std::string nasty = u16s(u"<a href='x'>&\"\x01\t");
  CHECK(text(kString, nasty, Escape::xml) == "&lt;a href=&apos;x&apos;&gt;&amp;&quot;\xEF\xBF\xBD\t");
  CHECK(text(kString, nasty, Escape::json) == "<a href='x'>&\\\"\\u0001\\t");
  CHECK(text(kString, u16s(u"back\\slash\n"), Escape::json) == "back\\\\slash\\n");
}

TEST_CASE("evtx values: arrays", "[parsers][evtx]") {
  CHECK(text(kArray | kString, u16s(u"a") + le(0, 2) + u16s(u"bc") + le(0, 2)) == "a, bc");
  CHECK(text(kArray | kUInt16, le(1, 2) + le(2, 2) + le(3, 2)) == "1, 2, 3");
  CHECK(text(kArray | kHexInt32, le(0x10, 4) + le(0xff, 4)) == "0x10, 0xff");
  std::vector<std::string> items;
  std::string strs = u16s(u"x") + le(0, 2) + le(0, 2) + u16s(u"y");  // an empty item in the middle
  CHECK(for_each_item(kString, reinterpret_cast<const uint8_t*>(strs.data()), strs.size(),
                      [&](const uint8_t* p, size_t n) { items.emplace_back(reinterpret_cast<const char*>(p), n); }));
  REQUIRE(items.size() == 3);
  CHECK(items[1].empty());
  Rendered r = render(kArray | kUInt32, le(1, 4) + "\x01");  // 5 bytes do not split into uint32s
  CHECK_FALSE(r.ok);
  CHECK(r.text == "0100000001");
}

TEST_CASE("evtx values: invalid sizes keep the bytes as hex", "[parsers][evtx]") {
  Rendered r = render(kUInt32, std::string("\x01\x02", 2));
  CHECK_FALSE(r.ok);
  CHECK(r.text == "0102");
  r = render(kSid, std::string("\x01\x05\x00", 3));
  CHECK_FALSE(r.ok);
  CHECK(r.text == "010500");
  r = render(0x7E, "\x01");  // unknown type
  CHECK_FALSE(r.ok);
  CHECK(r.text == "01");
  CHECK(value_as_uint(kUInt16, reinterpret_cast<const uint8_t*>("\xA5\x1B"), 2) == 7077u);
  std::string s = u16s(u"4624");
  CHECK(value_as_uint(kString, reinterpret_cast<const uint8_t*>(s.data()), s.size()) == 4624u);
}

TEST_CASE("evtx crc32: the standard check value", "[parsers][evtx]") {
  const char* check = "123456789";
  CHECK(crc32(reinterpret_cast<const uint8_t*>(check), 9) == 0xCBF43926u);
  std::string big(100000, '\x5A');
  uint32_t whole = crc32(reinterpret_cast<const uint8_t*>(big.data()), big.size());
  uint32_t parts = crc32(reinterpret_cast<const uint8_t*>(big.data()) + 33, big.size() - 33,
                         crc32(reinterpret_cast<const uint8_t*>(big.data()), 33));
  CHECK(whole == parts);
}
