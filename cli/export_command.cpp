// `pushmortem export --case FILE --format jsonl|csv [-o FILE]`: the timeline
// in Timesketch's import shape, one event per row, in time order (ties in
// ingest order), streamed to standard output or to -o FILE.
//
// STABLE INTERFACE (scripts and Timesketch imports depend on it; add fields
// only at the end, never rename or reorder):
//   message         events.message ("" when the event has none)
//   datetime        ISO 8601 UTC with microseconds: 2021-06-22T10:19:41.000000Z
//   timestamp_desc  what the time means: "Firewall Log Time" (pfirewall),
//                   "Event Time" for other formats
//   host            the host's display name (hosts.name); null / empty when unknown
//   source_file     the file's path inside the bundle (sources.path)
//   source_format   the parser that read it (events.format), e.g. pfirewall
//   location        line number (text) or record id (EVTX) in the file
//   event_code      firewall action, event id, ...; null / empty when none
//   fields          every parsed field of the format's detail table (e.g.
//                   firewall_log) by column name, without event_id and
//                   without NULL columns: {"action":"DROP","src_port":50432}
//
//   jsonl  one JSON object per line with the keys above in that order;
//          location is a number, fields a nested object (integers and
//          reals as numbers, text as strings), NULL as null.
//   csv    RFC 4180 (CRLF line ends, quoted when needed), header row
//          message,datetime,timestamp_desc,host,source_file,source_format,
//          location,event_code,fields; NULL as an empty cell; fields is the
//          JSON object as text.
//
// Untimed events are not exported (Timesketch needs a time); their number is
// reported on standard error, as is any event format whose detail fields
// could not be read (those events are exported with empty fields).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/read_common.h"
#include "db/reader.h"

namespace pm::cli {
namespace {

struct ExportArgs {
  std::string case_file;
  std::string format = "jsonl";
  std::string output;
};

const std::vector<std::string> kCsvColumns = {"message",       "datetime", "timestamp_desc", "host",  "source_file",
                                              "source_format", "location", "event_code",     "fields"};

void append_row(std::string& buf, const db::ExportRow& row, bool csv) {
  if (csv) {
    append_csv_row(buf, {row.message, row.datetime, row.timestamp_desc, row.host.value_or(""), row.source_file,
                         row.source_format, row.location ? std::to_string(*row.location) : std::string(),
                         row.event_code.value_or(""), json_fields_object(row.fields)});
    return;
  }
  JsonObject o(buf);
  o.text("message", row.message)
      .text("datetime", row.datetime)
      .text("timestamp_desc", row.timestamp_desc)
      .text_or_null("host", row.host)
      .text("source_file", row.source_file)
      .text("source_format", row.source_format)
      .number_or_null("location", row.location)
      .text_or_null("event_code", row.event_code)
      .raw("fields", json_fields_object(row.fields));
  o.close();
  buf += '\n';
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec) && std::filesystem::equivalent(a, b, ec);
}

int run_export(const ExportArgs& args) {
  if (!args.output.empty() && same_file(args.output, args.case_file)) {
    report_error(std::cerr, "export",
                 "-o " + args.output + " is the case file itself: give another output file name");
    return kExitUsage;
  }
  auto c = open_case_for_reading(args.case_file);
  if (!c) {
    report_error(std::cerr, "export", c.status().message());
    return exit_code_for(c.status());
  }
  auto cursor = db::ExportCursor::open(c->db());
  if (!cursor) {
    report_error(std::cerr, "export", cursor.status().message());
    return exit_code_for(cursor.status());
  }

  std::ofstream file;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      report_error(std::cerr, "export",
                   "cannot write " + args.output + ": check that its folder exists and is writable");
      return kExitInput;
    }
  }
  std::ostream& out = args.output.empty() ? std::cout : file;
  const bool csv = args.format == "csv";
  std::string buf;
  if (csv) append_csv_row(buf, kCsvColumns);
  db::ExportRow row;
  int64_t count = 0;
  for (;;) {
    auto r = cursor->next(row);
    if (!r) {
      out << buf;
      report_error(std::cerr, "export",
                   "reading events failed after " + std::to_string(count) + " rows: " + r.status().message() +
                       (args.output.empty() ? std::string() : "; " + args.output + " is incomplete"));
      return exit_code_for(r.status());
    }
    if (!r.value()) break;
    ++count;
    append_row(buf, row, csv);
    if (buf.size() > 256 * 1024) {
      out << buf;
      buf.clear();
      if (!out) break;
    }
  }
  out << buf;
  out.flush();
  if (!out) {
    report_error(std::cerr, "export",
                 "writing " + (args.output.empty() ? std::string("standard output") : args.output) +
                     " failed (disk full?): the export is incomplete");
    return kExitFailure;
  }
  for (const auto& w : cursor->warnings()) report_error(std::cerr, "export", "warning: " + w);
  auto untimed = db::count_untimed_events(c->db());
  if (untimed && untimed.value() > 0)
    std::cerr << untimed.value() << (untimed.value() == 1 ? " untimed event" : " untimed events")
              << " not exported (Timesketch needs a time)\n";
  if (!args.output.empty()) std::cerr << "exported " << count << " events to " << args.output << "\n";
  return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export", "Export the timeline for Timesketch (JSONL or CSV)");
  cmd->add_option("--case", args->case_file, "Case database file")->required();
  cmd->add_option("--format", args->format, "Output format: jsonl or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Write to this file instead of standard output (overwritten)");
  cmd->footer("Example: pushmortem export --case case.db --format jsonl -o case.jsonl");
  cmd->callback([args, &state] { state.exit_code = run_export(*args); });
}

}  // namespace pm::cli
