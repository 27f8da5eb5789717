#include "parsers/dpm/msi_log_parser.h"

#include <string>
#include <vector>

#include "parsers/core/tally.h"
#include "parsers/core/time_util.h"
#include "parsers/dpm/msi_dates.h"
#include "parsers/dpm/msi_lines.h"
#include "parsers/dpm/role_facts.h"

namespace pm {
namespace {

using namespace msi;

constexpr int64_t kRolloverMs = 6LL * 3600 * 1000;  // a step back larger than this is the next day

std::string iso_date(int64_t days) { return format_iso8601_us(days * 86400 * kMicrosPerSecond).substr(0, 10); }

// Pass 1: the dates of the file, to decide its day/month order before any row is written.
Result<std::vector<DateClue>> collect_dates(const SourceRef& source) {
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  std::vector<DateClue> clues;
  int install = -1;
  bool open = false;
  Line line;
  Banner b;
  while (reader->next(line)) {
    if ((line.number & 0xFFF) == 0 && source.cancelled()) return Status::error(ErrorKind::interrupted, "interrupted");
    std::string_view t = line.text;
    std::string_view date, what;
    if (parse_banner(t, b)) {
      if (b.started) ++install;
      date = b.date;
      what = b.started ? "header" : "footer";
      if (!b.started && !open) what = "footer without header";
      open = b.started;
    } else if (size_t at = t.find("Date: "); at != std::string_view::npos) {
      date = t.substr(at + 6, t.find(' ', at + 6) - at - 6);
      what = "Date:";
    } else if (std::string_view name, value; parse_property(t, name, value) && name == "Date") {
      date = value;
      what = "Property Date";
    }
    if (date.empty()) continue;
    if (auto d = parse_locale_date(date))
      clues.push_back({*d, line.number, std::string(what), what == "header" || what == "footer" ? install : -1});
  }
  if (!reader->status()) return reader->status();
  return clues;
}

struct Install {
  bool open = false;
  int64_t first_line = 0, last_line = 0;
  std::optional<DateOrder> order;
  std::optional<int64_t> day;      // current local day (days since 1970), after rollovers
  int64_t last_ms = -1;            // latest time of day seen
  std::optional<int64_t> last_us;  // UTC of the latest timed line
  std::optional<int64_t> start_us, end_us;
  std::string product, version;
  int product_rank = 0, version_rank = 0;
  int64_t product_line = 0;
  std::optional<int64_t> status, main_engine, install_return;
  int outcome = 0;
  std::string failing_action;
  std::string date_basis;
};

class Run {
 public:
  Run(const SourceRef& source, RowSink& sink, OrderDecision order)
      : source_(source), sink_(sink), tally_(sink), order_(std::move(order)) {}

  bool read() { return tally_.read(source_); }  // counts a unit; false when cancelled
  void line(const Line& line);
  ParseCounts finish();

 private:
  void open_install(const Line& line, const Banner* header);
  void close_install();
  std::optional<int64_t> read_date(std::string_view text, std::string* basis);
  std::optional<int64_t> to_utc_us(int64_t day, int64_t ms, uint32_t& flags) const;
  void stamp(int64_t ms, int64_t precision_ms, std::string_view time_text);
  void product(std::string_view name, int rank, int64_t line);
  void version(std::string_view v, int rank);
  void emit(const Line& line, std::string_view message, const MessageFacts& facts);

  const SourceRef& source_;
  RowSink& sink_;
  Tally tally_;
  OrderDecision order_;
  Install in_;
  bool property_mode_ = false;
  dpm::RoleFacts roles_;
  std::vector<std::string> bases_;
  EventRow ev_;
  MsiLineRow row_;
};

std::optional<int64_t> Run::read_date(std::string_view text, std::string* basis) {
  auto d = parse_locale_date(text);
  if (!d) {
    if (basis) *basis = "unreadable header date '" + std::string(text) + "': untimed";
    return std::nullopt;
  }
  DateOrder order = order_.order;
  auto own = implied_order(*d);
  if (own) order = *own;
  auto mf = civil_days(*d, DateOrder::month_first), df = civil_days(*d, DateOrder::day_first);
  bool ambiguous = !own && mf && df && *mf != *df;
  if (basis) {
    if (!ambiguous) *basis = order_name(*d, order);
    else if (order_.resolved)
      *basis = order_name(*d, order) + " (ambiguous " + d->text + "; decided by " + order_.basis + ")";
    else
      *basis = "ambiguous: " + d->text + " read as " + order_name(*d, DateOrder::month_first) + " (" +
               order_name(*d, DateOrder::day_first) + " would give " + iso_date(*df) + "): " + order_.basis;
  }
  in_.order = order;
  auto days = civil_days(*d, order);
  if (!days && !own) days = mf ? mf : df;  // only one reading is a real date
  return days;
}

std::optional<int64_t> Run::to_utc_us(int64_t day, int64_t ms, uint32_t& flags) const {
  LocalToUtc utc = source_.zone->to_utc(day * 86400 + ms / 1000);
  if (!source_.zone_known) flags |= event_flags::zone_unknown;
  if (utc.ambiguous) flags |= event_flags::local_ambiguous;
  if (utc.nonexistent) flags |= event_flags::local_nonexistent;
  return utc.utc_seconds * kMicrosPerSecond + (ms % 1000) * 1000;
}

void Run::open_install(const Line& line, const Banner* header) {
  close_install();
  in_ = Install{};
  in_.open = true;
  in_.first_line = in_.last_line = line.number;
  if (!header) {
    in_.date_basis = "no header: date unknown";
    return;
  }
  in_.day = read_date(header->date, &in_.date_basis);
  if (in_.day && header->time_ms) {
    uint32_t flags = 0;
    in_.start_us = to_utc_us(*in_.day, *header->time_ms, flags);
    in_.last_ms = *header->time_ms;
  }
}

void Run::close_install() {
  if (!in_.open) return;
  InstallRow r;
  r.start_us = in_.start_us;
  r.end_us = in_.end_us ? in_.end_us : in_.last_us;
  r.product = in_.product;
  r.version = in_.version;
  std::optional<int64_t> code = in_.status ? in_.status : in_.main_engine;
  if (code) {
    r.result_code = *code;
    r.result = *code == 0 ? "success" : (*code == 3010 || *code == 1641) ? "reboot-required"
               : *code == 1602 ? "cancelled" : "failure";
  } else if (in_.outcome != 0) {
    r.result = in_.outcome > 0 ? "success" : "failure";
  } else if (in_.install_return) {
    r.result = *in_.install_return == 1 ? "success" : *in_.install_return == 2 ? "cancelled" : "failure";
  } else {
    r.result = "unknown";
  }
  r.failing_action = in_.failing_action;
  r.first_line = in_.first_line;
  r.last_line = in_.last_line;
  r.date_basis = in_.date_basis;
  sink_.install(r);
  if (!in_.product.empty())
    roles_.product(in_.product, in_.version, in_.product_line, r.result == "success" || r.result == "reboot-required");
  bool seen = false;
  for (const auto& b : bases_) seen = seen || b == r.date_basis;
  if (!seen) bases_.push_back(r.date_basis);
  in_.open = false;
}

// precision_ms: 1 for [hh:mm:ss:mmm], 1000 for Action lines (whole seconds).
void Run::stamp(int64_t ms, int64_t precision_ms, std::string_view time_text) {
  ev_.flags = 0;
  if (in_.last_ms >= 0 && ms < in_.last_ms - kRolloverMs) {
    if (in_.day) ++*in_.day;  // midnight rollover
    in_.last_ms = ms;
  } else if (ms + precision_ms - 1 < in_.last_ms) {
    ev_.flags |= event_flags::out_of_order;
  } else if (ms > in_.last_ms) {
    in_.last_ms = ms;
  }
  if (in_.day) {
    ev_.time_us = to_utc_us(*in_.day, ms, ev_.flags);
    if (!in_.start_us) in_.start_us = ev_.time_us;
    if (!(ev_.flags & event_flags::out_of_order)) in_.last_us = ev_.time_us;
    row_.local_time = iso_date(*in_.day) + " " + std::string(time_text);
  } else {
    ev_.time_us.reset();
    row_.local_time.assign(time_text);
  }
}

void Run::product(std::string_view name, int rank, int64_t line) {
  if (name.empty() || rank < in_.product_rank) return;
  in_.product.assign(name);
  in_.product_rank = rank;
  in_.product_line = line;
}

void Run::version(std::string_view v, int rank) {
  if (v.empty() || rank < in_.version_rank) return;
  in_.version.assign(v);
  in_.version_rank = rank;
}

void Run::emit(const Line& line, std::string_view message, const MessageFacts& f) {
  if (f.status) in_.status = f.status;
  if (f.main_engine) in_.main_engine = f.main_engine;
  if (f.outcome != 0) in_.outcome = f.outcome;
  product(f.product, f.product_from_installer ? 3 : 2, line.number);
  version(f.version, 3);
  auto bad = [](std::optional<int64_t> c) { return c && *c != 0 && *c != 3010 && *c != 1641 && *c != 1602; };
  auto cancel = [](std::optional<int64_t> c) { return c && *c == 1602; };
  bool status_line = f.status || f.main_engine || f.outcome != 0;
  if (status_line && ev_.event_code.empty()) ev_.event_code = "install-status";
  if (f.error && ev_.event_code.empty()) ev_.event_code = "error";
  if (bad(f.status) || bad(f.main_engine) || f.outcome < 0 || f.error) ev_.level = Level::error;
  else if (cancel(f.status) || cancel(f.main_engine)) ev_.level = Level::warning;
  ev_.message.assign(message);
  ev_.location = line.number;
  ev_.offset = line.offset;
  in_.last_line = line.number;
  roles_.scan(message, line.number);
  sink_.msi_line(ev_, row_);
  tally_.stored();
}

void Run::line(const Line& line) {
  std::string_view t = line.text;
  if (t.find_first_not_of(" \t") == std::string_view::npos) {
    tally_.header();
    return;
  }
  if (line.truncated) {
    tally_.reject(line, "line longer than 1 MiB: not an MSI log line");
    return;
  }
  Banner banner;
  if (parse_banner(t, banner)) {
    tally_.header();
    property_mode_ = false;
    roles_.scan(t, line.number);  // "Calling process: ...\dpmac.exe"
    if (banner.started) {
      open_install(line, &banner);
    } else if (in_.open) {
      in_.last_line = line.number;
      if (banner.time_ms) {
        auto d = read_date(banner.date, nullptr);
        uint32_t flags = 0;
        if (d) in_.end_us = to_utc_us(*d, *banner.time_ms, flags);
      }
      close_install();
    }
    return;
  }
  ev_ = EventRow{};
  row_ = MsiLineRow{};
  const char* why = "";
  MsiLine m;
  ActionLine a;
  Shape ms = parse_msi_line(t, m, &why);
  Shape as = ms == Shape::no ? parse_action_line(t, a, &why) : Shape::no;
  if (ms == Shape::malformed || as == Shape::malformed) {
    tally_.reject(line, why);
    return;
  }
  if (looks_binary(t)) {
    tally_.reject(line, "control characters or undecodable bytes: not MSI log text");
    return;
  }
  if (!in_.open) {
    if (ms == Shape::no && as == Shape::no) {
      tally_.reject(line, "outside any install (before '=== Verbose logging started' or after '=== Logging stopped')");
      return;
    }
    open_install(line, nullptr);
  }
  if (ms == Shape::ok) {
    property_mode_ = false;
    row_.context.assign(m.context);
    row_.process_thread.assign(m.process_thread);
    stamp(m.time_ms, 1, m.time_text);
    emit(line, m.message, message_facts(m.message));
    return;
  }
  if (as == Shape::ok) {
    property_mode_ = false;
    row_.action.assign(a.action);
    stamp(a.time_ms, 1000, a.time_text);
    ev_.event_code = a.kind == ActionLine::start ? "action-start" : a.kind == ActionLine::ended ? "action-end" : "action";
    if (a.kind == ActionLine::ended && a.return_value) {
      row_.return_value = *a.return_value;
      if (*a.return_value == 3) {
        ev_.level = Level::error;
        if (in_.failing_action.empty()) in_.failing_action.assign(a.action);
      } else if (*a.return_value == 2) {
        ev_.level = Level::warning;
      }
      if (a.action == "INSTALL") in_.install_return = *a.return_value;
    }
    emit(line, t, MessageFacts{});
    return;
  }
  std::string_view name, value;
  if (parse_property(t, name, value)) {
    property_mode_ = true;
    if (name == "ProductName") product(value, 1, line.number);
    if (name == "ProductVersion") version(value, 1);
    roles_.scan(value, line.number);
    in_.last_line = line.number;
    tally_.header();
    return;
  }
  if (property_mode_) {  // a property value continued on this line
    roles_.scan(t, line.number);
    in_.last_line = line.number;
    tally_.header();
    return;
  }
  // Untimed content inside an install: the time of the last timed line.
  ev_.time_us = in_.last_us;
  if (ev_.time_us && !source_.zone_known) ev_.flags |= event_flags::zone_unknown;
  emit(line, t, message_facts(t));
}

ParseCounts Run::finish() {
  close_install();
  roles_.finish(sink_);
  ParseCounts c = tally_.counts();
  for (const auto& b : bases_) c.time_basis += (c.time_basis.empty() ? "" : "; ") + b;
  return c;
}

}  // namespace

SniffResult MsiLogParser::sniff(const Head& head) const {
  std::string_view t = head.text;
  if (t.find("=== Verbose logging started: ") != std::string_view::npos)
    return {95, "'=== Verbose logging started:' header (Windows Installer verbose log)"};
  if (t.starts_with("=== Logging started: ") || t.find("\n=== Logging started: ") != std::string_view::npos)
    return {90, "'=== Logging started:' header (Windows Installer log)"};
  int msi = 0, lines = 0;
  size_t pos = 0;
  while (pos < t.size() && lines < 40) {
    size_t nl = t.find('\n', pos);
    std::string_view line = t.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? t.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    ++lines;
    const char* why = "";
    MsiLine m;
    ActionLine a;
    if (parse_msi_line(line, m, &why) == Shape::ok || parse_action_line(line, a, &why) == Shape::ok) ++msi;
  }
  if (msi >= 3 && msi * 2 >= lines)
    return {75, "headerless: " + std::to_string(msi) + " of the first " + std::to_string(lines) +
                    " lines are 'MSI (c|s) (pid:tid) [time]:' or 'Action ...' lines"};
  return {0, "no Windows Installer log header or lines"};
}

Result<ParseCounts> MsiLogParser::parse(const SourceRef& source, RowSink& sink) const {
  auto clues = collect_dates(source);
  if (!clues) return clues.status();
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  Run run(source, sink, decide_order(clues.value(), source.mtime));
  Line line;
  while (reader->next(line)) {
    if (!run.read()) return Status::error(ErrorKind::interrupted, "interrupted");
    run.line(line);
  }
  if (!reader->status()) return reader->status();
  return run.finish();
}

}  // namespace pm
