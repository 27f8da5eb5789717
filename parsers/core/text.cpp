#include "parsers/core/text.h"

#include <algorithm>
#include <cstring>

namespace pm {
namespace {

constexpr size_t kChunk = 1 << 20;

// Windows-1252 code points for bytes 0x80..0x9F (undefined ones map to C1).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void put_code_point(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_ascii(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < n; ++i)
    if (p[i] & 0x80) return false;
  return true;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid/incomplete.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (len == 2 && c < 0xC2) return 0;                       // overlong
  if (len == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (len == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
  if (len == 4 && (c > 0xF4 || (c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) >= 0x90)))
    return 0;
  return len;
}

bool valid_utf8_prefix(std::string_view s, bool allow_cut_tail) {
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) { ++i; continue; }
    size_t len = utf8_sequence(s, i);
    if (len == 0) return allow_cut_tail && s.size() - i < 4 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0xC0;
    i += len;
  }
  return true;
}

void append_utf16(std::string& out, std::string_view s, bool big_endian) {
  size_t n = s.size() / 2;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  auto unit = [&](size_t k) -> uint32_t {
    return big_endian ? (uint32_t{p[2 * k]} << 8) | p[2 * k + 1] : (uint32_t{p[2 * k + 1]} << 8) | p[2 * k];
  };
  out.reserve(out.size() + n);
  for (size_t k = 0; k < n; ++k) {
    uint32_t u = unit(k);
    if (u < 0x80) { out.push_back(static_cast<char>(u)); continue; }
    if (u >= 0xD800 && u <= 0xDBFF && k + 1 < n) {
      uint32_t v = unit(k + 1);
      if (v >= 0xDC00 && v <= 0xDFFF) {
        put_code_point(out, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
        ++k;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
    put_code_point(out, u);
  }
  if (s.size() % 2) put_code_point(out, 0xFFFD);
}

void append_cp1252(std::string& out, std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) out.push_back(ch);
    else if (c < 0xA0) put_code_point(out, kCp1252High[c - 0x80]);
    else put_code_point(out, c);
  }
}

}  // namespace

const char* to_string(Encoding e) {
  switch (e) {
    case Encoding::utf8: return "UTF-8";
    case Encoding::utf16le: return "UTF-16LE";
    case Encoding::utf16be: return "UTF-16BE";
    case Encoding::windows1252: return "Windows-1252";
    case Encoding::binary: return "binary";
  }
  return "?";
}

bool is_valid_utf8(std::string_view s) { return is_ascii(s) || valid_utf8_prefix(s, false); }

EncodingGuess detect_encoding(std::string_view head) {
  auto u = [&](size_t i) { return static_cast<unsigned char>(head[i]); };
  if (head.size() >= 3 && u(0) == 0xEF && u(1) == 0xBB && u(2) == 0xBF)
    return {Encoding::utf8, 3, "UTF-8 byte order mark"};
  if (head.size() >= 2 && u(0) == 0xFF && u(1) == 0xFE)
    return {Encoding::utf16le, 2, "UTF-16LE byte order mark"};
  if (head.size() >= 2 && u(0) == 0xFE && u(1) == 0xFF)
    return {Encoding::utf16be, 2, "UTF-16BE byte order mark"};
  size_t n = std::min<size_t>(head.size(), 4096) & ~size_t{1};
  size_t zero_even = 0, zero_odd = 0;
  for (size_t i = 0; i < n; i += 2) {
    zero_even += u(i) == 0;
    zero_odd += u(i + 1) == 0;
  }
  size_t pairs = n / 2;
  if (pairs >= 2) {
    if (zero_odd * 10 >= pairs * 3 && zero_even * 4 <= zero_odd)
      return {Encoding::utf16le, 0, "NUL high bytes: UTF-16LE without byte order mark"};
    if (zero_even * 10 >= pairs * 3 && zero_odd * 4 <= zero_even)
      return {Encoding::utf16be, 0, "NUL high bytes: UTF-16BE without byte order mark"};
  }
  if (std::memchr(head.data(), 0, head.size()) != nullptr)
    return {Encoding::binary, 0, "NUL bytes: not text"};
  if (is_ascii(head)) return {Encoding::utf8, 0, "ASCII"};
  if (valid_utf8_prefix(head, head.size() >= 64 * 1024 - 4))
    return {Encoding::utf8, 0, "valid UTF-8"};
  return {Encoding::windows1252, 0, "not UTF-8: Windows-1252 assumed"};
}

void append_utf8(std::string& out, std::string_view s, Encoding from) {
  switch (from) {
    case Encoding::utf16le: append_utf16(out, s, false); return;
    case Encoding::utf16be: append_utf16(out, s, true); return;
    case Encoding::windows1252: append_cp1252(out, s); return;
    case Encoding::utf8:
    case Encoding::binary:
      if (is_valid_utf8(s)) out.append(s);
      else append_cp1252(out, s);
      return;
  }
}

Result<Head> read_head(const std::filesystem::path& file, size_t max_bytes) {
  std::FILE* f = std::fopen(file.string().c_str(), "rb");
  if (!f) return Status::error(ErrorKind::io, "cannot open " + file.string() + ": " + std::strerror(errno));
  Head head;
  head.raw.resize(max_bytes);
  size_t got = std::fread(head.raw.data(), 1, max_bytes, f);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::error(ErrorKind::io, "cannot read " + file.string());
  head.raw.resize(got);
  std::error_code ec;
  head.file_size = std::filesystem::file_size(file, ec);
  head.file_name = file.filename().string();
  head.encoding = detect_encoding(head.raw);
  if (head.encoding.encoding != Encoding::binary) {
    std::string_view body(head.raw);
    body.remove_prefix(head.encoding.bom_size);
    if (head.encoding.encoding == Encoding::utf16le || head.encoding.encoding == Encoding::utf16be)
      body = body.substr(0, body.size() & ~size_t{1});
    append_utf8(head.text, body, head.encoding.encoding);
  }
  return head;
}

// ---------------------------------------------------------------- LineReader

LineReader::LineReader(LineReader&& o) noexcept { *this = std::move(o); }

LineReader& LineReader::operator=(LineReader&& o) noexcept {
  if (this != &o) {
    if (file_) std::fclose(file_);
    file_ = o.file_;
    o.file_ = nullptr;
    guess_ = std::move(o.guess_);
    raw_ = std::move(o.raw_);
    begin_ = o.begin_;
    end_ = o.end_;
    eof_ = o.eof_;
    consumed_ = o.consumed_;
    number_ = o.number_;
    max_line_ = o.max_line_;
    decoded_ = std::move(o.decoded_);
    status_ = std::move(o.status_);
  }
  return *this;
}

LineReader::~LineReader() {
  if (file_) std::fclose(file_);
}

Result<LineReader> LineReader::open(const std::filesystem::path& file, size_t max_line) {
  LineReader r;
  r.file_ = std::fopen(file.string().c_str(), "rb");
  if (!r.file_)
    return Status::error(ErrorKind::io, "cannot open " + file.string() + ": " + std::strerror(errno));
  r.max_line_ = std::max<size_t>(max_line, 16);
  r.raw_.resize(kChunk);
  r.fill();
  r.guess_ = detect_encoding(std::string_view(r.raw_.data(), r.end_));
  r.begin_ = r.guess_.bom_size;
  r.consumed_ = r.guess_.bom_size;
  return r;
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(raw_.data(), raw_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == raw_.size()) raw_.resize(raw_.size() * 2);
  size_t got = std::fread(raw_.data() + end_, 1, raw_.size() - end_, file_);
  if (got == 0) {
    if (std::ferror(file_)) status_ = Status::error(ErrorKind::io, "read error");
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

size_t LineReader::find_newline(size_t from) const {
  const char* base = raw_.data();
  if (guess_.encoding == Encoding::utf16le || guess_.encoding == Encoding::utf16be) {
    bool le = guess_.encoding == Encoding::utf16le;
    size_t i = from;
    while (i < end_) {
      const void* p = std::memchr(base + i, '\n', end_ - i);
      if (!p) return std::string::npos;
      size_t at = static_cast<const char*>(p) - base;
      size_t rel = at - begin_;
      if (le && rel % 2 == 0 && at + 1 < end_ && base[at + 1] == 0) return at;
      if (!le && rel % 2 == 1 && base[at - 1] == 0) return at - 1;
      i = at + 1;
    }
    return std::string::npos;
  }
  const void* p = std::memchr(base + from, '\n', end_ - from);
  return p ? static_cast<size_t>(static_cast<const char*>(p) - base) : std::string::npos;
}

bool LineReader::next(Line& line) {
  if (!file_) return false;
  const bool wide = guess_.encoding == Encoding::utf16le || guess_.encoding == Encoding::utf16be;
  const size_t unit = wide ? 2 : 1;
  const size_t max_raw = max_line_ * unit;
  size_t scan = begin_;
  for (;;) {
    size_t nl = find_newline(scan);
    size_t stop = nl;      // raw end of the line's content
    size_t resume = 0;     // raw index after the newline
    bool truncated = false;
    if (nl != std::string::npos && nl - begin_ <= max_raw) {
      resume = nl + unit;
    } else if (end_ - begin_ > max_raw) {
      stop = begin_ + max_raw;
      truncated = true;
      // Do not cut a UTF-8 character in half (at most 3 continuation bytes).
      for (int k = 0; k < 3 && !wide && guess_.encoding != Encoding::windows1252 &&
                      (static_cast<unsigned char>(raw_[stop]) & 0xC0) == 0x80; ++k) --stop;
    } else {
      size_t scanned = (end_ - begin_) & ~(unit - 1);  // no newline in these bytes
      if (eof_ || !fill()) {
        if (begin_ >= end_) return false;
        stop = end_;  // last line without a newline
        resume = end_;
      } else {
        scan = begin_ + (scanned >= unit ? scanned - unit : 0);
        continue;
      }
    }
    line.number = ++number_;
    line.offset = static_cast<int64_t>(consumed_);
    line.truncated = truncated;
    std::string_view raw(raw_.data() + begin_, stop - begin_);
    // Valid UTF-8 lines stay UTF-8 even when the file as a whole is not
    // (Windows-1252 lines inside a UTF-8 file); other lines are decoded.
    if (!wide && (is_ascii(raw) || valid_utf8_prefix(raw, false))) {
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      line.text = raw;
    } else {
      decoded_.clear();
      append_utf8(decoded_, raw, guess_.encoding == Encoding::binary ? Encoding::utf8 : guess_.encoding);
      if (!decoded_.empty() && decoded_.back() == '\r') decoded_.pop_back();
      line.text = decoded_;
    }
    if (!truncated) {
      consumed_ += resume - begin_;
      begin_ = resume;
      return true;
    }
    // Keep the truncated text alive (it may point into raw_) before skipping.
    if (line.text.data() != decoded_.data()) {
      decoded_.assign(line.text);
      line.text = decoded_;
    }
    for (;;) {  // skip the rest of the over-long line
      size_t at = find_newline(begin_);
      if (at != std::string::npos) {
        consumed_ += at + unit - begin_;
        begin_ = at + unit;
        break;
      }
      size_t keep = wide ? (end_ - begin_) % 2 : 0;
      consumed_ += end_ - begin_ - keep;
      begin_ = end_ - keep;
      if (!fill()) {
        consumed_ += end_ - begin_;
        begin_ = end_;
        break;
      }
    }
    return true;
  }
}

}  // namespace pm
