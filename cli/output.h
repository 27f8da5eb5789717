// Output formatting shared by the read commands (query, sources, timeline,
// export): JSON string escaping and values, RFC 4180 CSV fields, terminal-safe
// one-line text and an aligned table writer. Pure formatting: no database
// access; writers write to a std::ostream given by the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "db/reader.h"

namespace pm::cli {

// ------------------------------------------------------------------ JSON

// Appends `text` as a JSON string literal (with quotes). Quotes, backslashes
// and control characters (U+0000-U+001F) are escaped (\" \\ \n \r \t \b \f,
// else \u00XX); other characters, non-ASCII UTF-8 included, are kept as they
// are; bytes that are not valid UTF-8 become \ufffd so the output is always
// valid JSON.
void append_json_string(std::string& out, std::string_view text);
std::string json_string(std::string_view text);

// NULL -> null, integers and finite reals -> numbers, text -> string
// (non-finite reals -> null).
void append_json_value(std::string& out, const db::SqlValue& value);

// Builds one JSON object into a string, keys in call order.
class JsonObject {
 public:
  explicit JsonObject(std::string& out) : out_(out) { out_.push_back('{'); }
  JsonObject& text(std::string_view key, std::string_view value);
  JsonObject& text_or_null(std::string_view key, const std::optional<std::string>& value);  // empty -> null
  JsonObject& number(std::string_view key, int64_t value);
  JsonObject& number_or_null(std::string_view key, const std::optional<int64_t>& value);  // empty -> null
  JsonObject& boolean(std::string_view key, bool value);
  JsonObject& value(std::string_view key, const db::SqlValue& value);
  JsonObject& raw(std::string_view key, std::string_view json);  // `json` must be valid JSON
  void close() { out_.push_back('}'); }

 private:
  void key(std::string_view k);
  std::string& out_;
  bool first_ = true;
};

// The fields of an export row as a JSON object text: {"action":"DROP","src_port":50432}.
std::string json_fields_object(const std::vector<db::ExportField>& fields);

// ------------------------------------------------------------------- CSV

// RFC 4180: rows end with CRLF; a field is quoted when it holds a comma, a
// quote, CR or LF (or starts/ends with a space), quotes doubled inside.
inline constexpr std::string_view kCsvNewline = "\r\n";
void append_csv_field(std::string& out, std::string_view field);
std::string csv_field(std::string_view field);
// Appends the fields joined by commas and the CRLF.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

// --------------------------------------------------------------- text

// A value as plain text: NULL -> "", integers in decimal, reals in the
// shortest form that reads back the same, text as is.
std::string value_text(const db::SqlValue& value);

// Makes text safe for one terminal line: \n \r \t become the two-character
// escapes, other control characters (C0, DEL, C1) and bidirectional
// override/isolate characters become \xHH or \uXXXX, invalid UTF-8 becomes
// U+FFFD. A log line can then neither break the layout nor send escape
// sequences to the terminal.
std::string one_line(std::string_view text);

// Terminal columns `text` takes (UTF-8; East Asian wide characters count 2,
// combining marks 0). Meant for text that went through one_line().
size_t display_width(std::string_view text);

// one_line(text), cut to at most `max_width` columns with a trailing "…"
// when longer (0 = no limit).
std::string fit_cell(std::string_view text, size_t max_width);

// Appends `cell` and pads it with spaces to `width` columns (left-aligned,
// or right-aligned when `right`).
void append_padded(std::string& out, std::string_view cell, size_t width, bool right = false);

// ---------------------------------------------------------------- table

// An aligned table with a header and a dashed rule under it. Columns are
// separated by two spaces; cells pass through fit_cell (NULL shows empty,
// wide cells end in "…"). Widths come from the header and the first
// `buffer_rows` rows; later rows stream with those widths (a longer cell
// then only shifts its own line), so memory stays bounded.
//
// With `max_width` (the terminal's width; 0 = no limit) the widest columns
// are narrowed, one column at a time, until a line fits (no column below
// kMinColumnWidth, or its natural width if smaller), and every cell,
// header included, is cut to its column. With `color` the header is bold
// and a cell given an SGR code (add_row's second argument, e.g. "31") is
// painted with it; padding counts only the visible text.
class TableWriter {
 public:
  static constexpr size_t kMinColumnWidth = 6;
  struct Options {
    size_t max_cell_width = 60;
    size_t buffer_rows = 1000;
    size_t max_width = 0;
    bool color = false;
  };
  TableWriter(std::ostream& out, std::vector<std::string> headers, std::vector<bool> right_align = {});
  TableWriter(std::ostream& out, std::vector<std::string> headers, std::vector<bool> right_align, Options options);
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;
  ~TableWriter();

  void add_row(const std::vector<std::string>& cells);
  // `sgr`: an ANSI SGR code per cell ("" = plain), used only with Options::color.
  void add_row(const std::vector<std::string>& cells, const std::vector<std::string>& sgr);
  void add_rule();  // a dashed line across all columns (e.g. before a totals row)
  void finish();    // writes buffered rows; called by the destructor if needed
  size_t rows() const { return rows_; }
  // Rows that can still be added before the table starts writing (0 once it has).
  size_t rows_until_output() const {
    return streaming_ || buffer_.size() >= options_.buffer_rows ? 0 : options_.buffer_rows - buffer_.size();
  }

 private:
  struct Line {
    bool rule = false;
    bool header = false;
    std::vector<std::string> cells;  // already fitted
    std::vector<std::string> sgr;
  };
  void flush_buffer();
  void fit_to_width();
  void write_line(const Line& line);

  std::ostream& out_;
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  Options options_;
  std::vector<size_t> widths_;
  std::vector<Line> buffer_;
  bool streaming_ = false;
  bool finished_ = false;
  size_t rows_ = 0;
};

// ----------------------------------------------------------- JSON tree

// A JSON object built from key paths ({"source", "ip"} -> {"source":{"ip":..}}),
// for output with nested objects (Elastic Common Schema). Objects keep
// their keys in first-insertion order; setting a path again replaces the
// value; a path through a key that holds a value replaces that value with
// an object. Keys are used as given (a dot in a key is not a path).
class JsonTree {
 public:
  using Path = std::initializer_list<std::string_view>;
  void set_raw(Path path, std::string json);  // `json` must be valid JSON
  void set_raw(const std::vector<std::string>& path, std::string json);
  void set_text(Path path, std::string_view text) { set_raw(path, json_string(text)); }
  void set_number(Path path, int64_t value) { set_raw(path, std::to_string(value)); }
  void set_value(Path path, const db::SqlValue& value);
  bool empty() const { return root_.children.empty(); }
  void append_to(std::string& out) const;

 private:
  struct Node {
    std::string key;
    std::string json;  // a value, or empty for an object
    std::vector<Node> children;
  };
  void set(const std::string_view* path, size_t n, std::string json);
  static void append(std::string& out, const Node& node);
  Node root_;
};

}  // namespace pm::cli
