#include "parsers/dpm/push_errors_parser.h"

#include <string>
#include <vector>

#include "parsers/catalog/catalog.h"
#include "parsers/core/tally.h"
#include "parsers/dpm/push_error_lines.h"
#include "parsers/dpm/role_facts.h"

namespace pm {
namespace {

using namespace push;

constexpr size_t kMaxBlockLines = 500;  // a longer "block" is text that merely looks like one

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void append_line(std::string& out, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty()) out.push_back('\n');
  out.append(text);
}

std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

// The HRESULT of a details text: written in it, else from the catalog.
void set_hresult(PushErrorRow& row) {
  row.hresult = hex_hresult_in(row.details);
  if (!row.hresult.empty()) {
    row.hresult_source = "text";
    return;
  }
  const catalog::HresultEntry* e = catalog::hresult_for_message(one_line(row.details));
  if (!e) e = catalog::hresult_in_text(one_line(row.details));
  if (e) {
    row.hresult = e->hex;
    row.hresult_source = "catalog";
  }
}

std::string summary(const PushErrorRow& r, std::string_view error_text) {
  std::string m = "Error";
  if (auto* id = std::get_if<int64_t>(&r.error_id)) m += " " + std::to_string(*id);
  if (!r.target_host.empty()) m += " on " + r.target_host;
  std::string what = one_line(r.details.empty() ? std::string(error_text) : r.details);
  m += ": " + std::string(without_hresult_suffix(what));
  if (!r.hresult.empty()) m += " (" + r.hresult + ")";
  return m;
}

struct BlockLine {
  int64_t number = 0, offset = 0;
  std::string text;
};

class Run {
 public:
  Run(const SourceRef& source, RowSink& sink) : source_(source), sink_(sink), tally_(sink) {}
  bool read() { return tally_.read(source_); }
  void line(const Line& line);
  ParseCounts finish() {
    close_block();
    roles_.finish(sink_);
    return tally_.counts();
  }

 private:
  enum class Section { error, details, recommended };
  void open_block(const Line& line, std::string_view text);
  void add(const Line& line) {
    block_.push_back({line.number, line.offset, std::string(line.text)});  // as written, for rejects
    blank_since_ = false;
  }
  void close_block();
  void outside(const Line& line, std::string_view text);
  void emit(const PushErrorRow& row, std::string_view error_text, int64_t line, int64_t offset);

  const SourceRef& source_;
  RowSink& sink_;
  Tally tally_;
  dpm::RoleFacts roles_;
  std::vector<BlockLine> block_;  // the open block's lines; empty = no block
  PushErrorRow row_;
  std::string error_text_;
  bool has_error_ = false, has_details_ = false, has_recommended_ = false, blank_since_ = false;
  Section section_ = Section::error;
};

void Run::open_block(const Line& line, std::string_view text) {
  close_block();
  row_ = PushErrorRow{};
  row_.form = "console";
  error_text_.clear();
  has_error_ = has_details_ = has_recommended_ = false;
  section_ = Section::error;
  if (auto start = parse_start_line(text)) {
    row_.operation.assign(start->operation);
    row_.target_host.assign(start->host);
  }
  add(line);
}

void Run::close_block() {
  if (block_.empty()) return;
  if (!has_error_) {
    for (const auto& b : block_)
      tally_.reject(b.number, b.offset, "push error block without an 'Error NNN:' line", b.text);
  } else {
    row_.last_line = block_.back().number;
    if (row_.target_host.empty()) row_.target_host.assign(host_after_on(error_text_));
    set_hresult(row_);
    tally_.stored();
    for (size_t i = 1; i < block_.size(); ++i) tally_.header();
    emit(row_, error_text_, block_.front().number, block_.front().offset);
  }
  block_.clear();
}

void Run::emit(const PushErrorRow& row, std::string_view error_text, int64_t line, int64_t offset) {
  EventRow ev;
  ev.event_code = std::holds_alternative<int64_t>(row.error_id) ? std::to_string(std::get<int64_t>(row.error_id)) : "";
  ev.level = Level::error;
  ev.message = summary(row, error_text);
  ev.location = line;
  ev.offset = offset;
  sink_.push_error(ev, row);
}

void Run::outside(const Line& line, std::string_view text) {
  auto alerts = find_alerts(text);
  if (alerts.empty()) {
    tally_.reject(line, "not part of a push error block ('<operation> on HOST failed:', 'Error NNN:') "
                        "and no alert '(ID NNN Details: ...)'");
    return;
  }
  tally_.stored();
  for (const auto& a : alerts) {
    PushErrorRow row;
    row.form = "alert";
    row.error_id = a.id;
    row.details.assign(a.details);
    std::string_view before = trim(text.substr(0, a.begin));
    if (auto start = parse_start_line(before)) {
      row.operation.assign(start->operation);
      row.target_host.assign(start->host);
    } else {
      row.target_host.assign(host_after_on(before));
    }
    row.last_line = line.number;
    set_hresult(row);
    emit(row, {}, line.number, line.offset);
  }
}

void Run::line(const Line& line) {
  std::string_view text = trim(line.text);
  if (text.empty()) {
    tally_.header();
    blank_since_ = true;
    return;
  }
  if (line.truncated) {
    close_block();
    tally_.reject(line, "line longer than 1 MiB: not a push error line");
    return;
  }
  roles_.scan(text, line.number);
  if (parse_start_line(text)) {
    open_block(line, text);
    return;
  }
  if (auto e = parse_error_line(text)) {
    if (block_.empty() || has_error_ || has_details_ || has_recommended_) open_block(line, text);
    else add(line);
    has_error_ = true;
    row_.error_id = e->id;
    error_text_.assign(e->text);
    section_ = Section::error;
    return;
  }
  if (!block_.empty() && block_.size() < kMaxBlockLines) {
    if (auto d = after_label(text, "Error details:"); d && !has_details_) {
      has_details_ = true;
      section_ = Section::details;
      append_line(row_.details, *d);
      add(line);
      return;
    }
    if (auto r = after_label(text, "Recommended action:"); r && !has_recommended_) {
      has_recommended_ = true;
      section_ = Section::recommended;
      append_line(row_.recommended_action, *r);
      add(line);
      return;
    }
    bool continues = !blank_since_ || (section_ == Section::recommended && is_step(text));
    if (continues && find_alerts(text).empty()) {
      if (section_ == Section::error) error_text_.append(" ").append(text);
      else if (section_ == Section::details) append_line(row_.details, text);
      else append_line(row_.recommended_action, text);
      add(line);
      return;
    }
  }
  close_block();
  outside(line, text);
}

}  // namespace

SniffResult PushErrorsParser::sniff(const Head& head) const {
  std::string_view t = head.text;
  int lines = 0, starts = 0, errors = 0, labels = 0, alerts = 0, known = 0;
  size_t pos = 0;
  while (pos < t.size() && lines < 60) {
    size_t nl = t.find('\n', pos);
    std::string_view line = trim(t.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? t.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line = trim(line.substr(0, line.size() - 1));
    if (line.empty()) continue;
    ++lines;
    bool s = parse_start_line(line).has_value(), e = parse_error_line(line).has_value();
    bool l = after_label(line, "Error details:") || after_label(line, "Recommended action:");
    bool a = !find_alerts(line).empty();
    starts += s;
    errors += e;
    labels += l;
    alerts += a;
    known += s || e || l || a || is_step(line);
  }
  if (starts > 0 && errors > 0)
    return {90, std::to_string(starts) + " '<operation> on HOST failed:' and " + std::to_string(errors) +
                    " 'Error NNN:' lines (DPM console push errors)"};
  if (errors > 0 && labels > 0 && known * 2 >= lines)
    return {80, "'Error NNN:' with 'Error details:' / 'Recommended action:' lines (DPM console push errors)"};
  if (alerts > 0 && known * 2 >= lines)
    return {70, std::to_string(alerts) + " alert lines '(ID NNN Details: ...)' among " + std::to_string(lines) +
                    " lines"};
  return {0, "no DPM push error blocks or alerts"};
}

Result<ParseCounts> PushErrorsParser::parse(const SourceRef& source, RowSink& sink) const {
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  Run run(source, sink);
  Line line;
  while (reader->next(line)) {
    if (!run.read()) return Status::error(ErrorKind::interrupted, "interrupted");
    run.line(line);
  }
  if (!reader->status()) return reader->status();
  return run.finish();
}

}  // namespace pm
