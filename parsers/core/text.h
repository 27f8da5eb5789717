// Text input: encoding detection, decoding to UTF-8, and a streaming line
// reader with line numbers and byte offsets. Memory is bounded by the chunk
// size plus the longest line (capped at max_line bytes).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/status.h"

namespace pm {

enum class Encoding { utf8, utf16le, utf16be, windows1252, binary };
const char* to_string(Encoding e);

struct EncodingGuess {
  Encoding encoding = Encoding::utf8;
  size_t bom_size = 0;
  std::string reason;  // e.g. "UTF-16LE byte order mark"
};

// Decides the encoding from the first bytes of a file: a BOM if present,
// else NUL patterns (UTF-16 without BOM, or binary), else UTF-8 validity,
// else Windows-1252.
EncodingGuess detect_encoding(std::string_view head);

// True when s is well-formed UTF-8.
bool is_valid_utf8(std::string_view s);

// Appends s decoded from `from` to out as UTF-8. Invalid UTF-8 is decoded as
// Windows-1252 (system codepage text inside UTF-8 files); unpaired UTF-16
// surrogates and an odd trailing byte become U+FFFD.
void append_utf8(std::string& out, std::string_view s, Encoding from);

// The start of a file, for sniffing: raw bytes and their UTF-8 decoding.
struct Head {
  std::string raw;         // first bytes as stored
  std::string text;        // decoded to UTF-8 (BOM removed); empty for binary
  EncodingGuess encoding;
  std::string file_name;   // base name, a hint only: sniffers decide by content
  uint64_t file_size = 0;
};

Result<Head> read_head(const std::filesystem::path& file, size_t max_bytes = 64 * 1024);

struct Line {
  std::string_view text;  // UTF-8, without CR/LF; valid until the next call
  int64_t number = 0;     // 1-based
  int64_t offset = 0;     // byte offset of the line's first byte in the file
  bool truncated = false; // longer than max_line: the rest was skipped
};

class LineReader {
 public:
  LineReader() = default;
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  LineReader(LineReader&& other) noexcept;
  LineReader& operator=(LineReader&& other) noexcept;
  ~LineReader();

  // Opens the file and detects its encoding from its first bytes.
  static Result<LineReader> open(const std::filesystem::path& file, size_t max_line = 1 << 20);

  // Reads the next line; false at end of file or on an I/O error (see status()).
  bool next(Line& line);
  const Status& status() const { return status_; }
  const EncodingGuess& encoding() const { return guess_; }
  uint64_t bytes_read() const { return consumed_; }

 private:
  bool fill();                    // reads more raw bytes; false at EOF
  size_t find_newline(size_t from) const;  // raw index of the newline unit or npos

  std::FILE* file_ = nullptr;
  EncodingGuess guess_;
  std::vector<char> raw_;
  size_t begin_ = 0, end_ = 0;    // unread raw bytes are raw_[begin_, end_)
  bool eof_ = false;
  uint64_t consumed_ = 0;         // file offset of raw_[begin_]
  int64_t number_ = 0;
  size_t max_line_ = 1 << 20;
  std::string decoded_;
  Status status_;
};

}  // namespace pm
