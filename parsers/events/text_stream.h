// TextStream: a file read in raw chunks and decoded to UTF-8 (encoding from
// the first bytes, as LineReader detects it), for formats that are not
// line-oriented (XML exports often hold an event log on one line). Keeps
// characters that a chunk boundary splits for the next chunk, and maps a
// position in the decoded text back to a byte offset in the file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "parsers/core/status.h"
#include "parsers/core/text.h"

namespace pm::events {

class TextStream {
 public:
  TextStream() = default;
  TextStream(const TextStream&) = delete;
  TextStream& operator=(const TextStream&) = delete;
  TextStream(TextStream&& other) noexcept;
  TextStream& operator=(TextStream&& other) noexcept;
  ~TextStream();

  static Result<TextStream> open(const std::filesystem::path& file, size_t chunk_size = 64 * 1024);

  // Appends the next decoded chunk to `out`; false at the end of the file or
  // on an I/O error (see status()).
  bool next(std::string& out);
  const Status& status() const { return status_; }
  const EncodingGuess& encoding() const { return guess_; }

  // File bytes taken by `decoded` (UTF-8 text this stream produced).
  size_t source_bytes(std::string_view decoded) const;

 private:
  std::FILE* file_ = nullptr;
  EncodingGuess guess_;
  std::string pending_;  // raw bytes of a split character
  size_t chunk_ = 64 * 1024;
  bool eof_ = false;
  bool first_ = true;
  Status status_;
};

}  // namespace pm::events
