#include "parsers/dpm/errlog_parser.h"

#include <chrono>
#include <cstdint>
#include <string>

#include "parsers/core/tally.h"
#include "parsers/core/time_util.h"
#include "parsers/dpm/dpm_text.h"
#include "parsers/dpm/errlog_line.h"
#include "parsers/dpm/errlog_year.h"
#include "parsers/dpm/role_facts.h"

namespace pm {
namespace {

constexpr int kMaxContinuation = 500;
constexpr int kSniffLines = 200;

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

// Control characters other than tab, or U+FFFD (bytes the decoder could not read).
bool has_control_or_replacement(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return true;
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        static_cast<unsigned char>(s[i + 2]) == 0xBD)
      return true;
  }
  return false;
}

bool same_host(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

void set_code(EventRow& ev, const DpmTraceRow& row) {
  std::string_view id = dpm::first_item(row.error_ids);
  ev.event_code.assign(id.empty() ? dpm::first_item(row.hresults) : id);
}

void set_mentions(DpmTraceRow& row, std::string_view text, dpm::Mentions& m) {
  dpm::find_mentions(text, m);
  row.hresults.swap(m.hresults);
  row.error_ids.swap(m.error_ids);
  row.hosts.swap(m.hosts);
  row.attempt_target.swap(m.attempt_target);
}

}  // namespace

SniffResult ErrlogParser::sniff(const Head& head) const {
  std::string_view t = head.text;
  int lines = 0, traces = 0;
  size_t pos = 0;
  dpm::TraceLine tl;
  std::string reason;
  while (pos < t.size() && lines < kSniffLines) {
    size_t nl = t.find('\n', pos);
    std::string_view line = t.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? t.size() : nl + 1;
    if (nl == std::string_view::npos && head.file_size > head.raw.size()) break;  // cut by the head
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line)) continue;
    ++lines;
    if (dpm::split_trace_line(line, tl, reason) == dpm::TraceMatch::trace) ++traces;
  }
  if (traces >= 1 && traces * 2 > lines) {
    int score = traces >= 3 && traces * 10 >= lines * 8 ? 90 : 60;
    return {score, std::to_string(traces) + " of the first " + std::to_string(lines) +
                       " lines are DPM trace lines (pid, tid, MM/DD, HH:MM:SS.mmm, tag, source(line), [object], "
                       "task GUID, level, message)"};
  }
  return {0, "no DPM trace lines (" + std::to_string(traces) + " of the first " + std::to_string(lines) + ")"};
}

Result<ParseCounts> ErrlogParser::parse(const SourceRef& source, RowSink& sink) const {
  auto scan = dpm::scan_trace_dates(source.file, source.cancel);
  if (!scan) return scan.status();
  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const dpm::YearChoice years = dpm::choose_year(scan.value(), source, now_s);
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();

  Tally tally(sink);
  dpm::YearTracker tracker;
  const std::string file_binary = dpm::binary_from_file_name(source.display_path);
  std::string last_prefix, prefix_binary;
  dpm::TraceLine t;
  dpm::Mentions mentions;
  std::string reason;
  EventRow ev;  // the last stored record (kept for its continuation lines)
  DpmTraceRow row;
  EventRow cont_ev;  // a continuation line's row
  DpmTraceRow cont_row;
  bool open = false;  // a record is open: non-record lines continue it
  int continuation = 0;
  int64_t rejected_line = 0;
  int64_t previous_us = INT64_MIN;
  dpm::RoleFacts roles;  // a dpmac.exe path under ProtectionAgents\AC\<version>: a DPM server and its version
  Line line;
  while (reader->next(line)) {
    if (!tally.read(source)) return Status::error(ErrorKind::interrupted, "interrupted");
    std::string_view text = line.text;
    if (is_blank(text)) {
      tally.header();
      continue;
    }
    dpm::TraceMatch match = dpm::split_trace_line(text, t, reason);
    const int year_offset = t.dated ? tracker.feed(t.month, t.day) : 0;  // every dated line, as the first pass
    auto reject = [&](std::string why) {
      tally.reject(line, std::move(why));
      open = false;
      rejected_line = line.number;
    };
    if (line.truncated) {
      reject("line longer than 1 MiB: not a DPM trace line");
      continue;
    }
    if (match == dpm::TraceMatch::malformed) {
      reject("malformed DPM trace line: " + reason);
      continue;
    }
    if (match == dpm::TraceMatch::other) {
      if (has_control_or_replacement(text)) {
        reject("control characters or undecodable bytes: not a DPM trace line");
      } else if (!open) {
        reject(rejected_line ? "not a DPM trace line, and line " + std::to_string(rejected_line) +
                                   " before it was rejected: nothing to continue"
                             : "not a DPM trace line, and no trace record before it to continue");
      } else if (continuation >= kMaxContinuation) {
        tally.reject(line, "more than " + std::to_string(kMaxContinuation) +
                               " continuation lines after the record at line " + std::to_string(ev.location));
      } else {
        ++continuation;
        cont_ev = ev;
        cont_ev.message.assign(text);
        cont_ev.location = line.number;
        cont_ev.offset = line.offset;
        cont_row = row;
        set_mentions(cont_row, text, mentions);
        cont_row.variant = "continuation";
        if (same_host(cont_row.attempt_target, row.attempt_target))
          cont_row.attempt_target.clear();  // one attempt, one row
        set_code(cont_ev, cont_row);
        sink.dpm_trace(cont_ev, cont_row);
        tally.stored();
      }
      continue;
    }
    // A trace record.
    if (!t.prefix.empty()) {
      if (t.prefix != last_prefix) {
        last_prefix.assign(t.prefix);
        prefix_binary = dpm::binary_from_file_name(t.prefix);
        if (prefix_binary.empty()) prefix_binary = file_binary;
      }
      row.binary = prefix_binary;
      row.variant = "findstr";
    } else {
      row.binary = file_binary;
      row.variant = t.tabs ? "tab" : "space";
    }
    row.pid.assign(t.pid);
    row.tid.assign(t.tid);
    row.tag.assign(t.tag);
    row.code_file.assign(t.code_file);
    if (t.code_line >= 0)
      row.code_line = t.code_line;
    else
      row.code_line = std::monostate{};
    row.object.assign(t.object);
    row.task_guid.assign(t.guid);
    row.trace_level.assign(t.level);
    set_mentions(row, t.message, mentions);
    if (t.message.find("dpmac") != std::string_view::npos || t.message.find("DPMAC") != std::string_view::npos ||
        t.message.find("Dpmac") != std::string_view::npos)
      roles.scan(t.message, line.number);

    ev.flags = years.assumed ? event_flags::year_assumed : 0;
    const int year = years.first_year + year_offset;
    if (valid_civil_date(year, t.month, t.day)) {
      ev.time_us = days_from_civil(year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day)) * 86400 *
                       kMicrosPerSecond +
                   t.time_of_day_us;
      if (*ev.time_us < previous_us)
        ev.flags |= event_flags::out_of_order;
      else
        previous_us = *ev.time_us;
    } else {
      ev.time_us.reset();  // 02/29 in a common year
      ev.flags |= event_flags::invalid_value;
    }
    set_code(ev, row);
    ev.level = dpm::level_from_trace(t.level);
    ev.message.assign(t.message);
    ev.location = line.number;
    ev.offset = line.offset;
    sink.dpm_trace(ev, row);
    tally.stored();
    open = true;
    continuation = 0;
  }
  if (!reader->status()) return reader->status();
  roles.finish(sink);
  ParseCounts counts = tally.counts();
  counts.time_basis = years.basis;
  return counts;
}

}  // namespace pm
