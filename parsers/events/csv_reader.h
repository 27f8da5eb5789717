// A small RFC 4180 reader: records of separated fields, fields optionally in
// double quotes ("" is a quote inside them), quoted fields may span lines
// (the line break is kept as "\n"). Reads lines from a LineReader, so
// encodings and line numbers are handled there.
//
// A record whose quote does not close within 10000 lines or 1 MiB, or before
// the end of the file, is returned as one malformed record holding only its
// first line (CsvRecord::unterminated); the lines after it are read again as
// records of their own, so one stray quote cannot swallow the file.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/text.h"

namespace pm::events {

struct CsvRecord {
  std::vector<std::string> fields;
  std::string raw;            // the record's text as read (lines joined with "\n")
  int64_t first_line = 0;     // 1-based
  int64_t last_line = 0;
  int64_t offset = 0;         // byte offset of the first line
  bool unterminated = false;  // a quoted field did not close (fields are then those of the first line)
  bool blank = false;         // an empty line
};

// Splits one record's text. Returns false when a quoted field is not closed
// (the fields then hold what was read). Text after a closing quote and before
// the next separator is kept (as Excel does).
bool split_csv(std::string_view text, char separator, std::vector<std::string>& fields);

// True when `text` ends inside a quoted field.
bool csv_open_quote(std::string_view text);

class CsvReader {
 public:
  CsvReader(LineReader& lines, char separator) : lines_(lines), sep_(separator) {}
  void set_separator(char separator) { sep_ = separator; }
  bool next(CsvRecord& record);  // false at the end of the input
  const Status& status() const { return lines_.status(); }

 private:
  struct Held {
    std::string text;
    int64_t number = 0;
    int64_t offset = 0;
  };
  bool next_line(Held& line);

  LineReader& lines_;
  char sep_;
  std::deque<Held> again_;  // lines to read again after an unterminated record
};

}  // namespace pm::events
