// `pushmortem timeline --case FILE [--host H] [--from T] [--to T] [--format text|jsonl]`:
// the events of a case in time order, untimed events last (by source and
// line). --host matches any name the host is known by (NetBIOS name, FQDN,
// IP address). --from/--to take ISO 8601 UTC times or dates and are
// inclusive: "--to 2021-06-22" includes that whole day. With a time bound,
// untimed events are left out. Rows stream from the database.
//
//   text   one line per event, columns separated by two spaces:
//          2021-06-22T10:19:41.000000Z  FS01  pfirewall  fs01/pfirewall.log:6  DROP  <message>
//          "(untimed)" in place of the time; "-" for no host or code; a
//          "  [zone-unknown,...]" suffix names events.flags bits. Control
//          characters are shown escaped.
//   jsonl  one JSON object per line: datetime (null when untimed), time_us,
//          host, source_file, format, event_code, level, message, location,
//          flags (NULL -> null).
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/read_common.h"
#include "cli/style.h"
#include "db/reader.h"
#include "parsers/core/time_util.h"

namespace pm::cli {
namespace {

struct TimelineArgs {
  std::string case_file;
  std::string host;
  std::string from;
  std::string to;
  std::string format = "text";
};

constexpr size_t kTimeWidth = 27;  // 2021-06-22T10:19:41.000000Z
constexpr size_t kMaxPad = 40;     // a longer cell shifts its line instead of widening every line

void append_column(std::string& line, std::string_view cell, size_t& width) {
  size_t w = display_width(cell);
  if (w > width && w <= kMaxPad) width = w;
  append_padded(line, cell, width);
  line += "  ";
}

int run_timeline(const TimelineArgs& args) {
  db::TimelineFilter filter;
  if (!args.from.empty()) {
    filter.from_us = db::parse_time_bound(args.from, false);
    if (!filter.from_us) {
      report_error(std::cerr, "timeline",
                   "invalid --from value \"" + args.from +
                       "\": give an ISO 8601 UTC time or date, e.g. 2021-06-22 or 2021-06-22T10:19:41Z");
      return kExitUsage;
    }
  }
  if (!args.to.empty()) {
    filter.to_us = db::parse_time_bound(args.to, true);
    if (!filter.to_us) {
      report_error(std::cerr, "timeline",
                   "invalid --to value \"" + args.to +
                       "\": give an ISO 8601 UTC time or date, e.g. 2021-06-22 or 2021-06-22T10:19:41Z");
      return kExitUsage;
    }
  }
  if (filter.from_us && filter.to_us && *filter.from_us > *filter.to_us) {
    report_error(std::cerr, "timeline",
                 "--from " + args.from + " is after --to " + args.to + ": swap them or widen the range");
    return kExitUsage;
  }
  auto c = open_case_for_reading(args.case_file);
  if (!c) {
    report_error(std::cerr, "timeline", c.status().message());
    return exit_code_for(c.status());
  }
  db::Database& db = c->db();
  if (!args.host.empty()) {
    auto host = db::resolve_host(db, args.host);
    if (!host) {
      report_error(std::cerr, "timeline", host.status().message());
      return exit_code_for(host.status());
    }
    filter.host_id = host.value();
  }
  auto cursor = db::TimelineCursor::open(db, filter);
  if (!cursor) {
    report_error(std::cerr, "timeline", cursor.status().message());
    return exit_code_for(cursor.status());
  }

  const bool text = args.format == "text";
  db::TimelineWidths hint = text ? db::timeline_widths(db) : db::TimelineWidths{};
  size_t host_w = std::min(hint.host, kMaxPad);
  size_t format_w = std::min(hint.format, kMaxPad);
  size_t source_w = std::min(hint.source_file + 2, kMaxPad);  // path plus ":N"
  size_t code_w = 4;

  std::ostream& out = std::cout;
  std::string buf;
  db::TimelineEvent e;
  int64_t count = 0;
  for (;;) {
    auto r = cursor->next(e);
    if (!r) {
      out << buf;
      report_error(std::cerr, "timeline", "reading events failed: " + r.status().message());
      return exit_code_for(r.status());
    }
    if (!r.value()) break;
    ++count;
    if (text) {
      append_padded(buf, e.time_us ? format_iso8601_us(*e.time_us) : std::string("(untimed)"), kTimeWidth);
      buf += "  ";
      append_column(buf, e.host ? one_line(*e.host) : std::string("-"), host_w);
      append_column(buf, one_line(e.format), format_w);
      std::string where = one_line(e.source_file);
      if (e.location) where += ":" + std::to_string(*e.location);
      append_column(buf, where, source_w);
      append_column(buf, e.event_code && !e.event_code->empty() ? one_line(*e.event_code) : std::string("-"), code_w);
      if (e.message) buf += one_line(*e.message);
      if (e.flags != 0) buf += "  [" + db::describe_event_flags(e.flags) + "]";
      while (!buf.empty() && buf.back() == ' ') buf.pop_back();
      buf += '\n';
    } else {
      JsonObject o(buf);
      o.text_or_null("datetime", e.time_us ? std::optional<std::string>(format_iso8601_us(*e.time_us)) : std::nullopt)
          .number_or_null("time_us", e.time_us)
          .text_or_null("host", e.host)
          .text("source_file", e.source_file)
          .text("format", e.format)
          .text_or_null("event_code", e.event_code)
          .text_or_null("level", e.level)
          .text_or_null("message", e.message)
          .number_or_null("location", e.location)
          .number("flags", e.flags);
      o.close();
      buf += '\n';
    }
    if (buf.size() > 64 * 1024) {
      out << buf;
      buf.clear();
    }
  }
  out << buf;
  out.flush();
  if (!out) {
    report_error(std::cerr, "timeline", "writing the output failed");
    return kExitFailure;
  }
  if (count == 0) {
    std::string msg = "no events";
    if (!args.host.empty()) msg += " for host " + args.host;
    if (!args.from.empty()) msg += " from " + args.from;
    if (!args.to.empty()) msg += " to " + args.to;
    msg += " in " + args.case_file;
    if (!args.host.empty() || !args.from.empty() || !args.to.empty())
      msg += ": widen the filters, or see the time range of each source with `pushmortem sources --case " +
             args.case_file + " --format csv`";
    report_error(std::cerr, "timeline", msg);
  }
  return kExitOk;
}

}  // namespace

void add_timeline_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<TimelineArgs>();
  CLI::App* cmd = app.add_subcommand("timeline", "Print the events of a case in time order");
  cmd->add_option("--case", args->case_file, "Case database file")->required();
  cmd->add_option("--host", args->host, "Only this host (NetBIOS name, FQDN or IP address)");
  cmd->add_option("--from", args->from, "Start, inclusive: ISO 8601 UTC, e.g. 2021-06-22 or 2021-06-22T10:00:00Z");
  cmd->add_option("--to", args->to, "End, inclusive: ISO 8601 UTC; a date alone includes that whole day");
  add_format_option(cmd, args->format, {"text", "jsonl"}, "Output format: text or jsonl");
  cmd->footer("Example: pushmortem timeline --case case.db --host FS01 --from 2021-06-22 --to 2021-06-23\n"
              "Exit codes: 0 done (also when no event matched: said on stderr); 1 writing the output failed; "
              "2 usage (a bad --from/--to, an unknown --host); 3 the case unreadable; 4 case from a newer pushmortem.");
  cmd->callback([args, &state] { state.exit_code = run_timeline(*args); });
}

}  // namespace pm::cli
