#include "parsers/events/csv_reader.h"

namespace pm::events {
namespace {

constexpr size_t kMaxRecordLines = 10000;
constexpr size_t kMaxRecordBytes = size_t{1} << 20;

}  // namespace

bool csv_open_quote(std::string_view text) {
  bool open = false;
  for (char c : text)
    if (c == '"') open = !open;
  return open;
}

bool split_csv(std::string_view text, char sep, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false;    // inside quotes
  bool at_start = true;   // nothing read yet for this field
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && at_start) {
      quoted = true;
      at_start = false;
    } else if (c == sep) {
      fields.push_back(std::move(field));
      field.clear();
      at_start = true;
    } else {
      field.push_back(c);
      at_start = false;
    }
  }
  fields.push_back(std::move(field));
  return !quoted;
}

bool CsvReader::next_line(Held& h) {
  if (!again_.empty()) {
    h = std::move(again_.front());
    again_.pop_front();
    return true;
  }
  Line line;
  if (!lines_.next(line)) return false;
  h.text.assign(line.text);
  h.number = line.number;
  h.offset = line.offset;
  return true;
}

bool CsvReader::next(CsvRecord& r) {
  Held first;
  if (!next_line(first)) return false;
  r.first_line = r.last_line = first.number;
  r.offset = first.offset;
  r.unterminated = false;
  r.raw = first.text;
  r.blank = first.text.empty();
  if (csv_open_quote(first.text)) {
    std::vector<Held> more;
    bool closed = false;
    bool open = true;
    size_t bytes = first.text.size();
    Held h;
    while (more.size() < kMaxRecordLines && bytes < kMaxRecordBytes && next_line(h)) {
      bytes += h.text.size() + 1;
      if (csv_open_quote(h.text)) open = !open;
      more.push_back(std::move(h));
      if (!open) {
        closed = true;
        break;
      }
    }
    if (closed) {
      for (const auto& m : more) r.raw.append("\n").append(m.text);
      r.last_line = more.back().number;
    } else {
      r.unterminated = true;
      for (auto it = more.rbegin(); it != more.rend(); ++it) again_.push_front(std::move(*it));
    }
  }
  split_csv(r.raw, sep_, r.fields);
  return true;
}

}  // namespace pm::events
