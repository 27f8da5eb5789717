#include "parsers/events/text_stream.h"

#include <utility>
#include <vector>

namespace pm::events {

TextStream::TextStream(TextStream&& o) noexcept
    : file_(std::exchange(o.file_, nullptr)), guess_(std::move(o.guess_)), pending_(std::move(o.pending_)),
      chunk_(o.chunk_), eof_(o.eof_), first_(o.first_), status_(std::move(o.status_)) {}

TextStream& TextStream::operator=(TextStream&& o) noexcept {
  if (this != &o) {
    if (file_) std::fclose(file_);
    file_ = std::exchange(o.file_, nullptr);
    guess_ = std::move(o.guess_);
    pending_ = std::move(o.pending_);
    chunk_ = o.chunk_;
    eof_ = o.eof_;
    first_ = o.first_;
    status_ = std::move(o.status_);
  }
  return *this;
}

TextStream::~TextStream() {
  if (file_) std::fclose(file_);
}

Result<TextStream> TextStream::open(const std::filesystem::path& file, size_t chunk_size) {
  TextStream s;
  s.file_ = std::fopen(file.string().c_str(), "rb");
  if (!s.file_) return Status::error(ErrorKind::io, "cannot open " + file.string());
  s.chunk_ = chunk_size < 16 ? 16 : chunk_size;
  return s;
}

namespace {

// Bytes at the end of `raw` that start an incomplete character.
size_t incomplete_tail(std::string_view raw, Encoding e) {
  if (e == Encoding::utf16le || e == Encoding::utf16be) {
    size_t odd = raw.size() % 2;
    if (raw.size() < 2 + odd) return odd;
    size_t at = raw.size() - odd - 2;
    auto hi = static_cast<uint8_t>(raw[e == Encoding::utf16le ? at + 1 : at]);
    return odd + ((hi >= 0xD8 && hi <= 0xDB) ? 2 : 0);  // a high surrogate waits for its pair
  }
  if (e != Encoding::utf8) return 0;
  // Walk back over continuation bytes to the last lead byte.
  size_t n = 0;
  while (n < raw.size() && n < 4 && (static_cast<uint8_t>(raw[raw.size() - 1 - n]) & 0xC0) == 0x80) ++n;
  if (n == raw.size()) return 0;
  auto lead = static_cast<uint8_t>(raw[raw.size() - 1 - n]);
  size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return need > n + 1 ? n + 1 : 0;
}

}  // namespace

bool TextStream::next(std::string& out) {
  if (!file_ || eof_) return false;
  std::vector<char> buf(chunk_);
  size_t got = std::fread(buf.data(), 1, buf.size(), file_);
  if (got < buf.size()) {
    if (std::ferror(file_)) {
      status_ = Status::error(ErrorKind::io, "read error");
      return false;
    }
    eof_ = true;
  }
  std::string raw = std::move(pending_);
  pending_.clear();
  raw.append(buf.data(), got);
  std::string_view view(raw);
  if (first_) {
    first_ = false;
    guess_ = detect_encoding(view.substr(0, 4096));
    if (guess_.encoding == Encoding::binary) guess_.encoding = Encoding::windows1252;
    view.remove_prefix(guess_.bom_size);
  }
  size_t tail = eof_ ? 0 : incomplete_tail(view, guess_.encoding);
  pending_.assign(view.substr(view.size() - tail));
  view.remove_suffix(tail);
  append_utf8(out, view, guess_.encoding);
  return got > 0 || !view.empty();
}

size_t TextStream::source_bytes(std::string_view decoded) const {
  Encoding e = guess_.encoding;
  if (e == Encoding::utf8) return decoded.size();
  size_t bytes = 0;
  for (char ch : decoded) {
    auto c = static_cast<uint8_t>(ch);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    if (e == Encoding::utf16le || e == Encoding::utf16be) bytes += c >= 0xF0 ? 4 : 2;
    else bytes += 1;
  }
  return bytes;
}

}  // namespace pm::events
