#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "parsers/core/text.h"

namespace fs = std::filesystem;
using pm::Encoding;

namespace {

fs::path temp_file(const std::string& name, const std::string& bytes) {
  fs::path dir = fs::temp_directory_path() / "pm_core_text_tests";
  fs::create_directories(dir);
  fs::path file = dir / name;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  return file;
}

std::string utf16le(const std::u16string& s) {
  std::string out;
  for (char16_t c : s) {
    out.push_back(static_cast<char>(c & 0xFF));
    out.push_back(static_cast<char>(c >> 8));
  }
  return out;
}

std::string utf16be(const std::u16string& s) {
  std::string out;
  for (char16_t c : s) {
    out.push_back(static_cast<char>(c >> 8));
    out.push_back(static_cast<char>(c & 0xFF));
  }
  return out;
}

struct ReadLine {
  std::string text;
  int64_t number;
  int64_t offset;
  bool truncated;
};

std::vector<ReadLine> read_all(const fs::path& file, size_t max_line = 1 << 20, Encoding* enc = nullptr) {
  auto reader = pm::LineReader::open(file, max_line);
  REQUIRE(reader);
  std::vector<ReadLine> lines;
  pm::Line line;
  while (reader->next(line)) lines.push_back({std::string(line.text), line.number, line.offset, line.truncated});
  CHECK(reader->status().is_ok());
  if (enc) *enc = reader->encoding().encoding;
  return lines;
}

}  // namespace

// ------------------------------------------------------------ detect_encoding

TEST_CASE("detect_encoding: byte order marks", "[core][text]") {
  auto g = pm::detect_encoding("\xEF\xBB\xBFhello");
  CHECK(g.encoding == Encoding::utf8);
  CHECK(g.bom_size == 3);
  g = pm::detect_encoding(std::string("\xFF\xFEh\0i\0", 6));
  CHECK(g.encoding == Encoding::utf16le);
  CHECK(g.bom_size == 2);
  g = pm::detect_encoding(std::string("\xFE\xFF\0h\0i", 6));
  CHECK(g.encoding == Encoding::utf16be);
  CHECK(g.bom_size == 2);
  CHECK(!g.reason.empty());
}

TEST_CASE("detect_encoding: UTF-16 without a byte order mark", "[core][text]") {
  auto g = pm::detect_encoding(utf16le(u"Host Name: WEB01\r\n"));
  CHECK(g.encoding == Encoding::utf16le);
  CHECK(g.bom_size == 0);
  g = pm::detect_encoding(utf16be(u"Host Name: WEB01\r\n"));
  CHECK(g.encoding == Encoding::utf16be);
  CHECK(g.bom_size == 0);
  // Mostly non-Latin text has few NUL bytes, but Latin markup around it is enough.
  g = pm::detect_encoding(utf16le(u"Zeitzone: (UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien"));
  CHECK(g.encoding == Encoding::utf16le);
}

TEST_CASE("detect_encoding: binary, UTF-8, Windows-1252", "[core][text]") {
  const unsigned char pe[] = {'M', 'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF, 0, 0,
                              0xB8, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0x0E, 0x1F, 0xBA, 0x0E};
  auto g = pm::detect_encoding(std::string(reinterpret_cast<const char*>(pe), sizeof pe));
  CHECK(g.encoding == Encoding::binary);
  CHECK(pm::detect_encoding(std::string("abc\0def\x01\x02\x03", 10)).encoding == Encoding::binary);

  g = pm::detect_encoding("plain ascii\r\n");
  CHECK(g.encoding == Encoding::utf8);
  CHECK(g.bom_size == 0);
  CHECK(pm::detect_encoding("").encoding == Encoding::utf8);
  CHECK(pm::detect_encoding("Gr\xC3\xBC\xC3\x9F" "e \xE2\x82\xAC \xF0\x9F\x98\x80").encoding == Encoding::utf8);
  g = pm::detect_encoding("Gr\xFC\xDF" "e \x80");
  CHECK(g.encoding == Encoding::windows1252);
  CHECK(g.bom_size == 0);
  // A head cut inside a multi-byte character is still UTF-8 (64 KiB heads only).
  std::string head(64 * 1024 - 1, 'a');
  head += "\xC3";
  CHECK(pm::detect_encoding(head).encoding == Encoding::utf8);
  CHECK(pm::detect_encoding("short\xC3").encoding == Encoding::windows1252);
}

TEST_CASE("is_valid_utf8 and append_utf8", "[core][text]") {
  CHECK(pm::is_valid_utf8(""));
  CHECK(pm::is_valid_utf8("\xF0\x9F\x98\x80 ok"));
  CHECK(!pm::is_valid_utf8("\xC0\xAF"));          // overlong
  CHECK(!pm::is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK(!pm::is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK(!pm::is_valid_utf8("\xE2\x82"));          // cut

  std::string out;
  pm::append_utf8(out, utf16le(u"a\U0001F600b"), Encoding::utf16le);
  CHECK(out == "a\xF0\x9F\x98\x80" "b");
  out.clear();
  pm::append_utf8(out, utf16be(u"a\U0001F600b"), Encoding::utf16be);
  CHECK(out == "a\xF0\x9F\x98\x80" "b");
  out.clear();
  std::u16string lone = u"x";
  lone.push_back(static_cast<char16_t>(0xD800));  // unpaired high surrogate
  lone.push_back(u'y');
  pm::append_utf8(out, utf16le(lone), Encoding::utf16le);
  CHECK(out == "x\xEF\xBF\xBDy");
  out.clear();
  pm::append_utf8(out, utf16le(u"z") + "Q", Encoding::utf16le);  // odd trailing byte
  CHECK(out == "z\xEF\xBF\xBD");
  out.clear();
  pm::append_utf8(out, "\x80 \xE4\x81", Encoding::windows1252);
  CHECK(out == "\xE2\x82\xAC \xC3\xA4\xC2\x81");
  out.clear();
  pm::append_utf8(out, "Gr\xFC\xDF" "e", Encoding::utf8);  // invalid UTF-8 falls back to Windows-1252
  CHECK(out == "Gr\xC3\xBC\xC3\x9F" "e");
}

TEST_CASE("read_head decodes the start of a file", "[core][text]") {
  auto file = temp_file("head16.txt", "\xFF\xFE" + utf16le(u"Host Name: X") + "Q");
  auto head = pm::read_head(file);
  REQUIRE(head);
  CHECK(head->encoding.encoding == Encoding::utf16le);
  CHECK(head->text == "Host Name: X");  // odd last byte left out
  CHECK(head->file_name == "head16.txt");
  CHECK(head->file_size == 2 + 24 + 1);
  auto small = pm::read_head(file, 6);
  REQUIRE(small);
  CHECK(small->text == "Ho");
  auto missing = pm::read_head(fs::temp_directory_path() / "pm_core_text_tests" / "does-not-exist");
  CHECK(!missing);
  CHECK(missing.status().kind() == pm::ErrorKind::io);
}

// ---------------------------------------------------------------- LineReader

TEST_CASE("LineReader: CRLF and LF, no final newline", "[core][text]") {
  auto lines = read_all(temp_file("mixed.txt", "a\r\nbb\n\nccc\r\n\r\ndd"));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0].text == "a");
  CHECK(lines[0].number == 1);
  CHECK(lines[0].offset == 0);
  CHECK(lines[1].text == "bb");
  CHECK(lines[1].offset == 3);
  CHECK(lines[2].text.empty());
  CHECK(lines[2].offset == 6);
  CHECK(lines[3].text == "ccc");
  CHECK(lines[3].offset == 7);
  CHECK(lines[4].text.empty());
  CHECK(lines[4].offset == 12);
  CHECK(lines[5].text == "dd");
  CHECK(lines[5].number == 6);
  CHECK(lines[5].offset == 14);
  for (const auto& l : lines) CHECK(!l.truncated);

  CHECK(read_all(temp_file("empty.txt", "")).empty());
  CHECK(read_all(temp_file("bom_only.txt", "\xEF\xBB\xBF")).empty());
  auto one = read_all(temp_file("newline_only.txt", "\n"));
  REQUIRE(one.size() == 1);
  CHECK(one[0].text.empty());
  auto bom = read_all(temp_file("bom_utf8.txt", "\xEF\xBB\xBFx\ny\n"));
  REQUIRE(bom.size() == 2);
  CHECK(bom[0].text == "x");
  CHECK(bom[0].offset == 3);
  CHECK(bom[1].offset == 5);
}

TEST_CASE("LineReader: UTF-16LE with and without BOM, surrogate pairs", "[core][text]") {
  Encoding enc{};
  auto lines = read_all(temp_file("le_bom.txt", "\xFF\xFE" + utf16le(u"x\r\n\U0001F600y\r\nz")), 1 << 20, &enc);
  CHECK(enc == Encoding::utf16le);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == "x");
  CHECK(lines[0].offset == 2);
  CHECK(lines[1].text == "\xF0\x9F\x98\x80y");
  CHECK(lines[1].offset == 8);
  CHECK(lines[2].text == "z");
  CHECK(lines[2].number == 3);
  CHECK(lines[2].offset == 18);

  lines = read_all(temp_file("le_nobom.txt", utf16le(u"ab\ncd\n\u00E4\u20AC\n")), 1 << 20, &enc);
  CHECK(enc == Encoding::utf16le);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == "ab");
  CHECK(lines[1].text == "cd");
  CHECK(lines[1].offset == 6);
  CHECK(lines[2].text == "\xC3\xA4\xE2\x82\xAC");
  CHECK(lines[2].offset == 12);

  // A character whose low byte is 0x0A is not a newline (U+010A, U+0A0D).
  lines = read_all(temp_file("le_0a.txt", "\xFF\xFE" + utf16le(u"\u010A\u0A0D\r\nq")), 1 << 20, &enc);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == "\xC4\x8A\xE0\xA8\x8D");
  CHECK(lines[1].text == "q");
}

TEST_CASE("LineReader: UTF-16BE", "[core][text]") {
  Encoding enc{};
  auto lines = read_all(temp_file("be_bom.txt", "\xFE\xFF" + utf16be(u"ab\r\ncd\u010A\r\n")), 1 << 20, &enc);
  CHECK(enc == Encoding::utf16be);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == "ab");
  CHECK(lines[0].offset == 2);
  CHECK(lines[1].text == "cd\xC4\x8A");
  CHECK(lines[1].offset == 10);
  lines = read_all(temp_file("be_nobom.txt", utf16be(u"Host\nName\n")), 1 << 20, &enc);
  CHECK(enc == Encoding::utf16be);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].text == "Name");
  CHECK(lines[1].offset == 10);
}

TEST_CASE("LineReader: odd trailing byte in UTF-16", "[core][text]") {
  auto lines = read_all(temp_file("le_odd.txt", "\xFF\xFE" + utf16le(u"ab\nc") + "X"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == "ab");
  CHECK(lines[1].text == "c\xEF\xBF\xBD");
  CHECK(lines[1].offset == 8);
  lines = read_all(temp_file("le_odd_only.txt", "\xFF\xFE" + utf16le(u"ab\n") + "X"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].text == "\xEF\xBF\xBD");
}

TEST_CASE("LineReader: Windows-1252 lines inside a UTF-8 file", "[core][text]") {
  const std::string utf8_line = "Gr\xC3\xBC\xC3\x9F" "e";
  const std::string cp1252_line = "Gr\xFC\xDF" "e";
  // The Windows-1252 line comes first: the file as a whole is not UTF-8.
  Encoding enc{};
  auto lines = read_all(temp_file("mixed_1252_first.txt", cp1252_line + "\r\n" + utf8_line + "\r\n\xE2\x82\xAC ok\n"),
                        1 << 20, &enc);
  CHECK(enc == Encoding::windows1252);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == utf8_line);
  CHECK(lines[1].text == utf8_line);
  CHECK(lines[2].text == "\xE2\x82\xAC ok");
  // UTF-8 first, a system code page line later.
  lines = read_all(temp_file("mixed_utf8_first.txt", utf8_line + "\n" + cp1252_line + "\n\x80\n"), 1 << 20, &enc);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == utf8_line);
  CHECK(lines[1].text == utf8_line);
  CHECK(lines[1].offset == 8);
  CHECK(lines[2].text == "\xE2\x82\xAC");
  // A pure Windows-1252 file.
  lines = read_all(temp_file("cp1252.txt", "Dom\xE4ne: x\r\n\x93quoted\x94\r\n"), 1 << 20, &enc);
  CHECK(enc == Encoding::windows1252);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == "Dom\xC3\xA4ne: x");
  CHECK(lines[1].text == "\xE2\x80\x9Cquoted\xE2\x80\x9D");
}

TEST_CASE("LineReader: over-long lines are truncated, the next line is intact", "[core][text]") {
  std::string big(250, 'x');
  auto lines = read_all(temp_file("long.txt", big + "\nnext\n" + big + "\r\n"), 100);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].truncated);
  CHECK((lines[0].text == std::string(100, 'x')));
  CHECK(lines[0].offset == 0);
  CHECK(lines[1].text == "next");
  CHECK(!lines[1].truncated);
  CHECK(lines[1].number == 2);
  CHECK(lines[1].offset == 251);
  CHECK(lines[2].truncated);
  CHECK(lines[2].offset == 256);

  // Truncation does not cut a UTF-8 character in half.
  std::string umlauts;
  for (int i = 0; i < 60; ++i) umlauts += "\xC3\xA4";  // 120 bytes
  lines = read_all(temp_file("long_utf8.txt", "a" + umlauts + "\nend"), 100);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].truncated);
  CHECK(pm::is_valid_utf8(lines[0].text));
  CHECK(lines[0].text == "a" + umlauts.substr(0, 98));
  CHECK(lines[1].text == "end");
  CHECK(lines[1].offset == 122);

  // UTF-16: the limit counts characters.
  lines = read_all(temp_file("long16.txt", "\xFF\xFE" + utf16le(std::u16string(40, u'y') + u"\r\nok\r\n")), 20);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].truncated);
  CHECK(lines[0].text == std::string(20, 'y'));
  CHECK(lines[1].text == "ok");
  CHECK(lines[1].offset == 2 + 84);

  // A line longer than the 1 MiB read chunk, at the default limit.
  std::string huge(1536 * 1024, 'h');
  lines = read_all(temp_file("huge.txt", huge + "\nafter\n"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].truncated);
  CHECK(lines[0].text.size() == 1 << 20);
  CHECK(lines[1].text == "after");
  CHECK(lines[1].offset == static_cast<int64_t>(huge.size()) + 1);
  // The same without a final newline.
  lines = read_all(temp_file("huge_last.txt", "first\n" + huge));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].truncated);
  CHECK(lines[1].offset == 6);
}

TEST_CASE("LineReader: lines straddling the 1 MiB read chunk", "[core][text]") {
  constexpr size_t kChunk = 1 << 20;
  SECTION("UTF-8, every line checked") {
    std::string content;
    std::vector<std::pair<std::string, int64_t>> expected;
    for (int n = 0; content.size() < 3 * kChunk; ++n) {
      std::string line = "line " + std::to_string(n) + " " + std::string(static_cast<size_t>(n * 37 % 101), 'a' + n % 26);
      if (n % 5 == 0) line += "\xC3\xA4";
      expected.emplace_back(line, static_cast<int64_t>(content.size()));
      content += line + (n % 2 ? "\r\n" : "\n");
    }
    auto lines = read_all(temp_file("chunks.txt", content));
    REQUIRE(lines.size() == expected.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      INFO("line " << i + 1);
      CHECK(lines[i].text == expected[i].first);
      CHECK(lines[i].offset == expected[i].second);
      CHECK(lines[i].number == static_cast<int64_t>(i + 1));
    }
  }
  SECTION("UTF-8: CR, newline and a multi-byte character right at the boundary") {
    for (size_t shift : {0, 1, 2}) {
      // first line ends so that "\r\n" or "ä" sits across byte kChunk.
      std::string first(kChunk - 1 - shift, 'p');
      std::string content = first + "\xC3\xA4" + "\r\n" + "second\n";
      auto lines = read_all(temp_file("boundary.txt", content), 2 << 20);
      REQUIRE(lines.size() == 2);
      INFO("shift " << shift);
      CHECK(!lines[0].truncated);
      CHECK(lines[0].text.size() == first.size() + 2);
      CHECK((lines[0].text == first + "\xC3\xA4"));
      CHECK(lines[1].text == "second");
      CHECK(lines[1].offset == static_cast<int64_t>(first.size() + 4));
    }
  }
  SECTION("UTF-16LE: a surrogate pair and CRLF across the boundary") {
    for (size_t units : {kChunk / 2 - 2, kChunk / 2 - 3}) {
      std::u16string first(units, u'w');
      std::u16string text = first + u"\U0001F600\r\nnext\r\n";
      auto lines = read_all(temp_file("boundary16.txt", "\xFF\xFE" + utf16le(text)));
      REQUIRE(lines.size() == 2);
      CHECK((lines[0].text == std::string(units, 'w') + "\xF0\x9F\x98\x80"));
      CHECK(lines[1].text == "next");
      CHECK(lines[1].offset == static_cast<int64_t>(2 + 2 * (units + 4)));
    }
  }
}

TEST_CASE("LineReader: errors, accessors, move", "[core][text]") {
  auto missing = pm::LineReader::open(fs::temp_directory_path() / "pm_core_text_tests" / "nope.txt");
  CHECK(!missing);
  CHECK(missing.status().kind() == pm::ErrorKind::io);

  auto file = temp_file("move.txt", "one\ntwo\n");
  auto opened = pm::LineReader::open(file);
  REQUIRE(opened);
  pm::LineReader reader = std::move(opened.value());
  pm::Line line;
  REQUIRE(reader.next(line));
  CHECK(line.text == "one");
  pm::LineReader other;
  other = std::move(reader);
  REQUIRE(other.next(line));
  CHECK(line.text == "two");
  CHECK(!other.next(line));
  CHECK(other.bytes_read() == 8);
  CHECK(other.encoding().encoding == Encoding::utf8);
  CHECK(!reader.next(line));  // moved-from: no file
  CHECK(std::string(pm::to_string(Encoding::utf16le)) == "UTF-16LE");
}
