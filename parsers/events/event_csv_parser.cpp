#include "parsers/events/event_csv_parser.h"

#include <array>
#include <string>
#include <vector>

#include "parsers/core/net_util.h"
#include "parsers/core/strings.h"
#include "parsers/core/tally.h"
#include "parsers/events/csv_reader.h"
#include "parsers/events/event_fields.h"

namespace pm {
namespace {

using namespace events;

constexpr std::array<std::string_view, 5> kEnglish = {"Level", "Date and Time", "Source", "Event ID", "Task Category"};
constexpr std::array<std::string_view, 5> kGerman = {"Ebene", "Datum und Uhrzeit", "Quelle", "Ereignis-ID",
                                                     "Aufgabenkategorie"};

enum class Layout { none, viewer_en, viewer_de, powershell };

bool same_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The most frequent of , ; and tab outside quotes (',' on a tie or none).
char pick_separator(std::string_view line) {
  int comma = 0, semi = 0, tab = 0;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (!quoted) comma += c == ',', semi += c == ';', tab += c == '\t';
  }
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma && tab > semi) return '\t';
  return ',';
}

bool starts_with_names(const std::vector<std::string>& h, const std::array<std::string_view, 5>& names) {
  if (h.size() < names.size()) return false;
  for (size_t i = 0; i < names.size(); ++i)
    if (!same_ci(trim(h[i]), names[i])) return false;
  return true;
}

// Column indexes of an Export-Csv header, -1 when absent.
struct Columns {
  std::vector<std::string> names;
  int find(std::string_view n) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (same_ci(trim(names[i]), n)) return static_cast<int>(i);
    return -1;
  }
};

Layout layout_of(const std::vector<std::string>& h) {
  if (starts_with_names(h, kEnglish)) return Layout::viewer_en;
  if (starts_with_names(h, kGerman)) return Layout::viewer_de;
  Columns c{h};
  if (c.find("Id") >= 0 && c.find("ProviderName") >= 0 && c.find("TimeCreated") >= 0) return Layout::powershell;
  return Layout::none;
}

// Event Viewer's CSV export carries no channel; its default file name is the
// log's name ("System.csv", "Microsoft-Windows-...%4Operational.csv"). The
// stem is used when it names a Windows log; empty otherwise.
std::string channel_from_file_name(const std::string& path) {
  std::string base = path.substr(path.find_last_of("/\\") == std::string::npos ? 0 : path.find_last_of("/\\") + 1);
  if (size_t dot = base.rfind('.'); dot != std::string::npos) base.resize(dot);
  for (const char* known : {"System", "Application", "Security", "Setup", "ForwardedEvents"})
    if (ascii_lower(base) == ascii_lower(known)) return known;
  if (size_t p4 = base.find("%4"); p4 != std::string::npos) return base.substr(0, p4) + "/" + base.substr(p4 + 2);
  return {};
}

class CsvRun {
 public:
  CsvRun(const SourceRef& source, RowSink& sink, LineReader& lines)
      : source_(source), sink_(sink), tally_(sink), csv_(lines, ','),
        channel_from_name_(channel_from_file_name(source.display_path)) {}

  Result<ParseCounts> run() {
    CsvRecord rec;
    while (csv_.next(rec)) {
      if (!tally_.read(source_)) return Status::error(ErrorKind::interrupted, "interrupted");
      if (rec.blank) {
        tally_.header();
      } else if (layout_ == Layout::none) {
        if (rec.raw[0] == '#') {  // #TYPE System.Diagnostics.Eventing.Reader.EventLogRecord
          tally_.header();
          continue;
        }
        char sep = pick_separator(rec.raw);
        csv_.set_separator(sep);
        split_csv(rec.raw, sep, rec.fields);
        layout_ = layout_of(rec.fields);
        if (layout_ == Layout::none)
          return Status::error(ErrorKind::bad_input, "line " + std::to_string(rec.first_line) +
                                                         " is not an Event Viewer or Export-Csv event header");
        columns_.names = rec.fields;
        fallback_ = layout_ == Layout::viewer_de ? DateOrder::dmy : DateOrder::mdy;
        tally_.header();
      } else if (rec.unterminated) {
        tally_.reject(rec.first_line, rec.offset,
                      "a quoted field does not close (within 10000 lines / 1 MiB or before the end of the file)",
                      rec.raw);
      } else {
        record(rec);
      }
    }
    if (!csv_.status()) return csv_.status();
    ParseCounts counts = tally_.counts();
    counts.unit = "record";
    counts.time_basis = basis_.empty() ? std::string() : basis_;
    return counts;
  }

 private:
  void reject(const CsvRecord& rec, std::string reason) { tally_.reject(rec.first_line, rec.offset, std::move(reason), rec.raw); }

  // The date order for this text: the file's, once a date decided it.
  DateOrder order_for(std::string_view date) {
    if (order_ != DateOrder::unknown) return order_;
    DateOrder g = guess_date_order(date);
    if (g == DateOrder::mdy || g == DateOrder::dmy) {
      order_ = g;
      basis_ = std::string("local dates read as ") + to_string(g) + " (decided by '" + std::string(trim(date)) + "')";
      return g;
    }
    if (basis_.empty() && g != DateOrder::ymd)
      basis_ = std::string("local dates read as ") + to_string(fallback_) + " (" +
               (layout_ == Layout::viewer_de ? "German header" : "English header") + "; no date decided the order)";
    return fallback_;
  }

  bool set_time(const CsvRecord& rec, std::string_view date) {
    auto stamp = parse_local_stamp(date, order_for(date));
    if (!stamp) {
      reject(rec, "date '" + std::string(trim(date)) + "' is not a " + to_string(order_for(date)) + " date and time");
      return false;
    }
    set_local_time(source_, *stamp, ev_, row_);
    return true;
  }

  void record(const CsvRecord& rec) {
    const auto& f = rec.fields;
    row_ = WinEventRow{};
    ev_ = EventRow{};
    bool ok = true;
    std::string_view message;
    std::string_view id_text;
    if (layout_ == Layout::powershell) {
      if (f.size() != columns_.names.size())
        return reject(rec, "found " + std::to_string(f.size()) + " fields, expected " +
                               std::to_string(columns_.names.size()) + " (from the header)");
      auto col = [&](std::string_view n) -> std::string_view {
        int i = columns_.find(n);
        return i >= 0 ? std::string_view(f[static_cast<size_t>(i)]) : std::string_view();
      };
      id_text = col("Id");
      message = col("Message");
      set_number(row_.version, col("Version"), ok);
      set_number(row_.qualifiers, col("Qualifiers"), ok);
      set_number(row_.level, col("Level"), ok);
      set_number(row_.task, col("Task"), ok);
      set_number(row_.opcode, col("Opcode"), ok);
      if (!trim(col("Keywords")).empty()) row_.keywords = keywords_hex(col("Keywords"));
      set_number(row_.record_id, col("RecordId"), ok);
      row_.provider = std::string(trim(col("ProviderName")));
      row_.provider_guid = braced_guid(col("ProviderId"));
      row_.channel = std::string(trim(col("LogName")));
      set_number(row_.process_id, col("ProcessId"), ok);
      set_number(row_.thread_id, col("ThreadId"), ok);
      row_.computer = std::string(trim(col("MachineName")));
      row_.user_sid = std::string(trim(col("UserId")));
      row_.activity_id = braced_guid(col("ActivityId"));
      row_.related_activity_id = braced_guid(col("RelatedActivityId"));
      row_.level_text = std::string(trim(col("LevelDisplayName")));
      row_.opcode_text = std::string(trim(col("OpcodeDisplayName")));
      row_.task_text = std::string(trim(col("TaskDisplayName")));
      if (!trim(col("TimeCreated")).empty() && !set_time(rec, col("TimeCreated"))) return;
    } else {
      if (f.size() < 5 || f.size() > 6)
        return reject(rec, "found " + std::to_string(f.size()) + " fields, expected 6 (" +
                               (layout_ == Layout::viewer_de ? "Ebene, Datum und Uhrzeit, Quelle, Ereignis-ID, "
                                                                 "Aufgabenkategorie, Meldung)"
                                                               : "Level, Date and Time, Source, Event ID, Task "
                                                                 "Category, message)"));
      row_.level_text = std::string(trim(f[0]));
      if (auto n = level_number_from_name(f[0])) row_.level = *n;
      row_.provider = std::string(trim(f[2]));
      id_text = f[3];
      row_.task_text = std::string(trim(f[4]));
      row_.channel = channel_from_name_;
      if (f.size() == 6) message = f[5];
      if (!set_time(rec, f[1])) return;
    }
    auto id = parse_int(trim(id_text));
    if (!id || *id < 0 || *id > 65535) return reject(rec, "event id '" + std::string(trim(id_text)) + "' is not a number");
    row_.event_id = *id;
    finish_rows(row_, ev_, message);
    if (!ok) ev_.flags |= event_flags::invalid_value;
    const int64_t* rid = std::get_if<int64_t>(&row_.record_id);
    ev_.location = rid ? *rid : rec.first_line;
    ev_.offset = rec.offset;
    sink_.win_event(ev_, row_);
    tally_.stored();
  }

  const SourceRef& source_;
  RowSink& sink_;
  Tally tally_;
  CsvReader csv_;
  std::string channel_from_name_;  // Event Viewer CSV has no channel column
  Layout layout_ = Layout::none;
  Columns columns_;
  DateOrder order_ = DateOrder::unknown, fallback_ = DateOrder::mdy;
  std::string basis_;
  WinEventRow row_;
  EventRow ev_;
};

// The first line of `text` that is not blank and not a #TYPE line.
std::string_view header_line(std::string_view text, bool& type_line) {
  type_line = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.empty()) continue;
    if (line.rfind("#TYPE System.Diagnostics.Eventing.Reader", 0) == 0) {
      type_line = true;
      continue;
    }
    return line;
  }
  return {};
}

}  // namespace

SniffResult EventCsvParser::sniff(const Head& head) const {
  bool type_line = false;
  std::string_view line = header_line(head.text, type_line);
  if (line.empty()) return {type_line ? 60 : 0, type_line ? "#TYPE line without a header" : "no header line"};
  std::vector<std::string> fields;
  split_csv(line, pick_separator(line), fields);
  switch (layout_of(fields)) {
    case Layout::viewer_en: return {95, "Event Viewer CSV header 'Level,Date and Time,Source,Event ID,Task Category'"};
    case Layout::viewer_de: return {95, "Event Viewer CSV header 'Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,...'"};
    case Layout::powershell:
      return {type_line ? 95 : 90, type_line ? "#TYPE System.Diagnostics.Eventing.Reader... and Export-Csv header"
                                             : "Export-Csv header with Id, ProviderName and TimeCreated"};
    case Layout::none: break;
  }
  return {0, "no Event Viewer or Export-Csv event header"};
}

Result<ParseCounts> EventCsvParser::parse(const SourceRef& source, RowSink& sink) const {
  auto lines = LineReader::open(source.file);
  if (!lines) return lines.status();
  CsvRun run(source, sink, lines.value());
  return run.run();
}

}  // namespace pm
