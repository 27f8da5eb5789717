#include "cli/output.h"

#include <algorithm>
#include <cmath>
#include <variant>

#include <fmt/format.h>

namespace pm::cli {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Decodes one UTF-8 sequence at s[i]. Returns the code point and sets `len`;
// returns -1 (len 1) for a byte that does not start a well-formed sequence
// (overlong forms, surrogates and values above U+10FFFF are ill-formed).
int32_t decode_utf8(std::string_view s, size_t i, size_t& len) {
  len = 1;
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return b0;
  size_t n;
  int32_t cp;
  int32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (i + n > s.size()) return -1;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  len = n;
  return cp;
}

void append_u_escape(std::string& out, int32_t cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 15]);
}

bool is_bidi_control(int32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C;
}

bool is_zero_width(int32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) || (cp >= 0x0591 && cp <= 0x05BD) ||
         (cp >= 0x0610 && cp <= 0x061A) || (cp >= 0x064B && cp <= 0x065F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0xFEFF;
}

bool is_wide(int32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t char_width(int32_t cp) {
  if (cp < 0) return 1;  // shown as U+FFFD
  if (is_zero_width(cp)) return 0;
  return is_wide(cp) ? 2 : 1;
}

bool needs_csv_quotes(std::string_view f) {
  if (f.empty()) return false;
  if (f.front() == ' ' || f.back() == ' ') return true;
  return f.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

// ------------------------------------------------------------------ JSON

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20) append_u_escape(out, c);
          else out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    size_t len;
    if (decode_utf8(s, i, len) < 0) {
      out += "\\ufffd";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  out.push_back('"');
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

void append_json_value(std::string& out, const db::SqlValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    if (std::isfinite(*d)) {
      std::string t = fmt::format("{}", *d);
      // fmt writes shortest round-trip forms such as 1e+20, 0.5 or 3: all valid JSON numbers.
      out += t;
    } else {
      out += "null";
    }
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    append_json_string(out, *s);
  } else {
    out += "null";
  }
}

void JsonObject::key(std::string_view k) {
  if (!first_) out_.push_back(',');
  first_ = false;
  append_json_string(out_, k);
  out_.push_back(':');
}

JsonObject& JsonObject::text(std::string_view k, std::string_view v) {
  key(k);
  append_json_string(out_, v);
  return *this;
}

JsonObject& JsonObject::text_or_null(std::string_view k, const std::optional<std::string>& v) {
  key(k);
  if (v) append_json_string(out_, *v);
  else out_ += "null";
  return *this;
}

JsonObject& JsonObject::number(std::string_view k, int64_t v) {
  key(k);
  out_ += std::to_string(v);
  return *this;
}

JsonObject& JsonObject::number_or_null(std::string_view k, const std::optional<int64_t>& v) {
  key(k);
  out_ += v ? std::to_string(*v) : std::string("null");
  return *this;
}

JsonObject& JsonObject::boolean(std::string_view k, bool v) {
  key(k);
  out_ += v ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::value(std::string_view k, const db::SqlValue& v) {
  key(k);
  append_json_value(out_, v);
  return *this;
}

JsonObject& JsonObject::raw(std::string_view k, std::string_view json) {
  key(k);
  out_ += json;
  return *this;
}

std::string json_fields_object(const std::vector<db::ExportField>& fields) {
  std::string out;
  JsonObject o(out);
  for (const auto& f : fields) o.value(f.name, f.value);
  o.close();
  return out;
}

// ------------------------------------------------------------------- CSV

void append_csv_field(std::string& out, std::string_view f) {
  if (!needs_csv_quotes(f)) {
    out += f;
    return;
  }
  out.push_back('"');
  for (char c : f) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string csv_field(std::string_view field) {
  std::string out;
  append_csv_field(out, field);
  return out;
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    append_csv_field(out, fields[i]);
  }
  out += kCsvNewline;
}

// ------------------------------------------------------------------- text

std::string value_text(const db::SqlValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return {};
}

std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20 || c == 0x7F) {
        out += "\\x";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    size_t len;
    int32_t cp = decode_utf8(s, i, len);
    if (cp < 0) out += "\xEF\xBF\xBD";  // U+FFFD
    else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) append_u_escape(out, cp);
    else out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t len;
    w += char_width(decode_utf8(s, i, len));
    i += len;
  }
  return w;
}

std::string fit_cell(std::string_view text, size_t max_width) {
  std::string line = one_line(text);
  if (max_width == 0 || display_width(line) <= max_width) return line;
  // Keep whole characters up to max_width - 1 columns, then the ellipsis.
  size_t w = 0;
  size_t i = 0;
  while (i < line.size()) {
    size_t len;
    size_t cw = char_width(decode_utf8(line, i, len));
    if (w + cw > max_width - 1) break;
    w += cw;
    i += len;
  }
  line.resize(i);
  line += "\xE2\x80\xA6";  // …
  return line;
}

void append_padded(std::string& out, std::string_view cell, size_t width, bool right) {
  size_t w = display_width(cell);
  size_t pad = w < width ? width - w : 0;
  if (right) out.append(pad, ' ');
  out += cell;
  if (!right) out.append(pad, ' ');
}

// ------------------------------------------------------------------ table

TableWriter::TableWriter(std::ostream& out, std::vector<std::string> headers, std::vector<bool> right_align)
    : TableWriter(out, std::move(headers), std::move(right_align), Options{}) {}

TableWriter::TableWriter(std::ostream& out, std::vector<std::string> headers, std::vector<bool> right_align,
                         Options options)
    : out_(out), headers_(std::move(headers)), right_(std::move(right_align)), options_(options) {
  right_.resize(headers_.size(), false);
  if (options_.buffer_rows == 0) options_.buffer_rows = 1;
  for (auto& h : headers_) {
    h = fit_cell(h, options_.max_cell_width);
    widths_.push_back(display_width(h));
  }
}

TableWriter::~TableWriter() { finish(); }

void TableWriter::add_row(const std::vector<std::string>& cells) { add_row(cells, {}); }

void TableWriter::add_row(const std::vector<std::string>& cells, const std::vector<std::string>& sgr) {
  Line line;
  line.cells.reserve(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i)
    line.cells.push_back(i < cells.size() ? fit_cell(cells[i], options_.max_cell_width) : std::string());
  if (options_.color) line.sgr = sgr;
  ++rows_;
  if (streaming_) {
    write_line(line);
    return;
  }
  for (size_t i = 0; i < widths_.size(); ++i) widths_[i] = std::max(widths_[i], display_width(line.cells[i]));
  buffer_.push_back(std::move(line));
  if (buffer_.size() >= options_.buffer_rows) flush_buffer();
}

void TableWriter::add_rule() {
  Line line;
  line.rule = true;
  if (streaming_) write_line(line);
  else buffer_.push_back(std::move(line));
}

void TableWriter::fit_to_width() {
  if (options_.max_width == 0 || widths_.empty()) return;
  size_t total = 2 * (widths_.size() - 1);
  for (size_t w : widths_) total += w;
  while (total > options_.max_width) {
    size_t widest = widths_.size();
    for (size_t i = 0; i < widths_.size(); ++i)
      if (widths_[i] > kMinColumnWidth && (widest == widths_.size() || widths_[i] > widths_[widest])) widest = i;
    if (widest == widths_.size()) break;  // every column at its minimum: the line wraps
    --widths_[widest];
    --total;
  }
}

void TableWriter::flush_buffer() {
  if (!streaming_) {
    streaming_ = true;
    fit_to_width();
    Line header;
    header.header = true;
    header.cells = headers_;
    write_line(header);
    Line rule;
    rule.rule = true;
    write_line(rule);
  }
  for (const auto& l : buffer_) write_line(l);
  buffer_.clear();
  buffer_.shrink_to_fit();
}

void TableWriter::finish() {
  if (finished_) return;
  finished_ = true;
  flush_buffer();
  out_.flush();
}

void TableWriter::write_line(const Line& line) {
  std::string text;
  const size_t n = headers_.size();
  for (size_t i = 0; i < n; ++i) {
    if (i) text += "  ";
    if (line.rule) {
      text.append(widths_[i], '-');
      continue;
    }
    const std::string* cell = &line.cells[i];
    std::string cut;
    if (options_.max_width > 0 && display_width(*cell) > widths_[i]) {
      cut = fit_cell(*cell, widths_[i]);
      cell = &cut;
    }
    const size_t w = display_width(*cell);
    const size_t pad = w < widths_[i] ? widths_[i] - w : 0;
    const bool last = i + 1 == n;
    if (right_[i]) text.append(pad, ' ');
    std::string_view sgr;
    if (options_.color) {
      if (line.header) sgr = "1";
      else if (i < line.sgr.size()) sgr = line.sgr[i];
    }
    if (!sgr.empty() && !cell->empty()) {
      text += "\033[";
      text += sgr;
      text += 'm';
      text += *cell;
      text += "\033[0m";
    } else {
      text += *cell;
    }
    if (!right_[i] && !last) text.append(pad, ' ');  // no trailing spaces
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  text.push_back('\n');
  out_ << text;
}

// ------------------------------------------------------------- JSON tree

void JsonTree::set(const std::string_view* path, size_t n, std::string json) {
  Node* node = &root_;
  for (size_t i = 0; i < n; ++i) {
    Node* child = nullptr;
    for (auto& c : node->children)
      if (c.key == path[i]) child = &c;
    if (child == nullptr) {
      node->children.push_back(Node{std::string(path[i]), {}, {}});
      child = &node->children.back();
    }
    node = child;
    if (i + 1 < n && !node->json.empty()) node->json.clear();  // a value becomes an object
  }
  node->children.clear();
  node->json = std::move(json);
}

void JsonTree::set_raw(Path path, std::string json) { set(path.begin(), path.size(), std::move(json)); }

void JsonTree::set_raw(const std::vector<std::string>& path, std::string json) {
  std::vector<std::string_view> views(path.begin(), path.end());
  set(views.data(), views.size(), std::move(json));
}

void JsonTree::set_value(Path path, const db::SqlValue& value) {
  std::string json;
  append_json_value(json, value);
  set_raw(path, std::move(json));
}

void JsonTree::append(std::string& out, const Node& node) {
  if (!node.json.empty()) {
    out += node.json;
    return;
  }
  out.push_back('{');
  for (size_t i = 0; i < node.children.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, node.children[i].key);
    out.push_back(':');
    append(out, node.children[i]);
  }
  out.push_back('}');
}

void JsonTree::append_to(std::string& out) const { append(out, root_); }

}  // namespace pm::cli
