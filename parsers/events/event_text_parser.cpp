#include "parsers/events/event_text_parser.h"

#include <array>
#include <string>

#include "parsers/core/net_util.h"
#include "parsers/core/tally.h"
#include "parsers/events/event_fields.h"

namespace pm {
namespace {

using namespace events;

enum class Label { log_name, source, date, event_id, task, level, opcode, keyword, user, user_name, computer, description, unknown };

struct LabelName {
  std::string_view text;
  Label label;
};

constexpr std::array<LabelName, 27> kLabels = {{
    {"Log Name", Label::log_name},       {"Source", Label::source},
    {"Date", Label::date},               {"Event ID", Label::event_id},
    {"Task", Label::task},               {"Task Category", Label::task},
    {"Level", Label::level},             {"Opcode", Label::opcode},
    {"Keyword", Label::keyword},         {"Keywords", Label::keyword},
    {"User", Label::user},               {"User Name", Label::user_name},
    {"Computer", Label::computer},       {"Description", Label::description},
    {"Protokollname", Label::log_name},  {"Quelle", Label::source},
    {"Datum", Label::date},              {"Ereignis-ID", Label::event_id},
    {"Aufgabenkategorie", Label::task},  {"Ebene", Label::level},
    {"Schl\xc3\xbcsselw\xc3\xb6rter", Label::keyword}, {"Benutzer", Label::user},
    {"Benutzername", Label::user_name},  {"Beschreibung", Label::description},
    {"Aufgabe", Label::task},            {"Schl\xc3\xbcsselwort", Label::keyword},
    {"Computername", Label::computer},
}};

Label label_of(std::string_view name) {
  for (const auto& l : kLabels)
    if (l.text == name) return l.label;
  return Label::unknown;
}

// "Event[12]:" (also "Ereignis[12]:") -> true.
bool is_block_header(std::string_view line) {
  line = trim(line);
  size_t open = line.find('[');
  if (open == std::string_view::npos || line.size() < open + 4 || line.substr(line.size() - 2) != "]:") return false;
  std::string_view word = line.substr(0, open), num = line.substr(open + 1, line.size() - open - 3);
  if (word != "Event" && word != "Ereignis") return false;
  return !num.empty() && num.find_first_not_of("0123456789") == std::string_view::npos;
}

class TextRun {
 public:
  TextRun(const SourceRef& source, RowSink& sink) : source_(source), sink_(sink), tally_(sink) {}

  Result<ParseCounts> run(LineReader& lines) {
    Line line;
    while (lines.next(line)) {
      if (is_block_header(line.text)) {
        if (!close_unit()) return Status::error(ErrorKind::interrupted, "interrupted");
        open_block(line);
      } else if (in_block_) {
        block_line(line.text);
      } else {
        if (!in_preamble_) {
          in_preamble_ = true;
          unit_line_ = line.number;
          unit_offset_ = line.offset;
          raw_.clear();
        }
        add_raw(line.text);
      }
    }
    if (!lines.status()) return lines.status();
    if (!close_unit()) return Status::error(ErrorKind::interrupted, "interrupted");
    ParseCounts counts = tally_.counts();
    counts.unit = "event";
    return counts;
  }

 private:
  void add_raw(std::string_view text) {
    if (raw_.size() < 4096) raw_.append(text).push_back('\n');
  }

  void open_block(const Line& line) {
    in_block_ = true;
    in_description_ = false;
    unit_line_ = line.number;
    unit_offset_ = line.offset;
    raw_.clear();
    add_raw(line.text);
    row_ = WinEventRow{};
    ev_ = EventRow{};
    date_.clear();
    id_text_.clear();
    message_.clear();
    blank_run_ = 0;
  }

  void block_line(std::string_view text) {
    add_raw(text);
    if (in_description_) {
      if (trim(text).empty()) {
        ++blank_run_;  // kept only if more text follows
        return;
      }
      if (!message_.empty()) message_.append(static_cast<size_t>(blank_run_) + 1, '\n');
      blank_run_ = 0;
      while (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      message_.append(text);
      return;
    }
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view value = trim(text.substr(colon + 1));
    switch (label_of(trim(text.substr(0, colon)))) {
      case Label::log_name: row_.channel = std::string(value); break;
      case Label::source: row_.provider = std::string(value); break;
      case Label::date: date_ = std::string(value); break;
      case Label::event_id: id_text_ = std::string(value); break;
      case Label::task: row_.task_text = std::string(value); break;
      case Label::level: row_.level_text = std::string(value); break;
      case Label::opcode: row_.opcode_text = std::string(value); break;
      case Label::user:
        if (value.rfind("S-", 0) == 0) row_.user_sid = std::string(value);
        break;
      case Label::computer: row_.computer = std::string(value); break;
      case Label::description:
        in_description_ = true;
        message_ = std::string(value);
        break;
      case Label::keyword: case Label::user_name: case Label::unknown: break;
    }
  }

  // Ends the unit in progress (a block or the preamble). False when cancelled.
  bool close_unit() {
    if (!in_block_ && !in_preamble_) return true;
    if (!tally_.read(source_)) return false;
    if (in_preamble_) {
      in_preamble_ = false;
      if (trim(raw_).empty()) tally_.header();
      else tally_.reject(unit_line_, unit_offset_, "text before the first Event[N]: line", raw_);
      return true;
    }
    in_block_ = false;
    auto id = parse_int(trim(id_text_));
    if (!id || *id < 0 || *id > 65535) {
      tally_.reject(unit_line_, unit_offset_,
                    id_text_.empty() ? "no Event ID line" : "Event ID '" + id_text_ + "' is not a number", raw_);
      return true;
    }
    row_.event_id = *id;
    if (auto n = level_number_from_name(row_.level_text)) row_.level = *n;
    if (!date_.empty()) {
      std::string_view d = trim(date_);
      bool utc = !d.empty() && (d.back() == 'Z' || d.back() == 'z');
      auto ticks = utc ? parse_utc_ticks(d) : std::nullopt;
      auto stamp = utc ? std::nullopt : parse_local_stamp(d, DateOrder::ymd);
      if (!ticks && !stamp) {
        tally_.reject(unit_line_, unit_offset_, "Date '" + date_ + "' is not a date and time", raw_);
        return true;
      }
      if (ticks) set_utc_time(*ticks, ev_, row_);
      else set_local_time(source_, *stamp, ev_, row_);
    }
    finish_rows(row_, ev_, message_);
    ev_.location = unit_line_;
    ev_.offset = unit_offset_;
    sink_.win_event(ev_, row_);
    tally_.stored();
    return true;
  }

  const SourceRef& source_;
  RowSink& sink_;
  Tally tally_;
  bool in_block_ = false, in_preamble_ = false, in_description_ = false;
  int blank_run_ = 0;
  int64_t unit_line_ = 0, unit_offset_ = 0;
  std::string raw_, date_, id_text_, message_;
  WinEventRow row_;
  EventRow ev_;
};

}  // namespace

SniffResult EventTextParser::sniff(const Head& head) const {
  // An Event[N]: line among the first 20 non-blank lines, followed within
  // three lines by a Log Name or Source label (English or German).
  std::string_view t = head.text;
  size_t pos = 0;
  int lines = 0, since_header = -1, header_at = 0;
  while (pos < t.size() && lines < 20) {
    size_t nl = t.find('\n', pos);
    std::string_view line = trim(t.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? t.size() : nl + 1;
    if (line.empty()) continue;
    ++lines;
    if (is_block_header(line)) {
      since_header = 0;
      header_at = lines;
      continue;
    }
    if (since_header < 0 || ++since_header > 3) continue;
    size_t colon = line.find(':');
    Label l = colon == std::string_view::npos ? Label::unknown : label_of(trim(line.substr(0, colon)));
    if (l == Label::log_name || l == Label::source)
      return {header_at == 1 ? 95 : 80, "wevtutil text export: Event[N]: followed by '" +
                                            std::string(line.substr(0, colon)) + ":'"};
  }
  return {since_header >= 0 ? 40 : 0, since_header >= 0 ? "Event[N]: without Log Name/Source labels" : "no Event[N]: line"};
}

Result<ParseCounts> EventTextParser::parse(const SourceRef& source, RowSink& sink) const {
  auto lines = LineReader::open(source.file);
  if (!lines) return lines.status();
  TextRun run(source, sink);
  return run.run(lines.value());
}

}  // namespace pm
