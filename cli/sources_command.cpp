// `pushmortem sources --case FILE [--format table|csv|json]`: every file met
// during ingest (table `sources`), in id order.
//
//   table  id, status, format, host, time zone ("UTC (assumed)" when no zone
//          was known), units read/stored/rejected/headers, path, and the
//          status reason of every file not ingested (skipped, failed,
//          duplicate, ...; member counts for archives); then a
//          totals row and a line counting sources by status.
//   csv    RFC 4180 with a header row, and json (an array of objects), both
//          with every column: id, parent_id, bundle, path, status,
//          status_reason, format, sniff_score, sniff_reason, encoding, host,
//          host_reason, time_zone, time_zone_assumed, time_zone_reason, unit,
//          units_read, rows_stored, rows_rejected, header_units, first_time,
//          last_time (ISO 8601 UTC), sha256, size, ingested_at, time_basis,
//          notes. NULL is empty
//          in csv and null in json; time_zone_assumed is true/false.
#include <iostream>
#include <map>
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

struct SourcesArgs {
  std::string case_file;
  std::string format = "table";
  ColorMode color = ColorMode::auto_detect;
};

std::string opt(const std::optional<std::string>& s) { return s ? *s : std::string(); }
std::string opt(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string(); }
std::string opt_time(const std::optional<int64_t>& v) { return v ? format_iso8601_us(*v) : std::string(); }
std::optional<std::string> opt_time_json(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return format_iso8601_us(*v);
}

const std::vector<std::string> kFullColumns = {
    "id",        "parent_id",  "bundle",        "path",        "status",            "status_reason",
    "format",    "sniff_score", "sniff_reason", "encoding",    "host",              "host_reason",
    "time_zone", "time_zone_assumed", "time_zone_reason", "unit", "units_read",     "rows_stored",
    "rows_rejected", "header_units", "first_time", "last_time", "sha256",           "size",
    "ingested_at", "time_basis", "notes"};

std::vector<std::string> csv_cells(const db::SourceListing& s) {
  return {std::to_string(s.id), opt(s.parent_id), s.bundle, s.path, s.status, opt(s.status_reason), opt(s.format),
          opt(s.sniff_score), opt(s.sniff_reason), opt(s.encoding), opt(s.host), opt(s.host_reason),
          opt(s.time_zone), s.time_zone_assumed ? "true" : "false", opt(s.time_zone_reason), opt(s.unit),
          std::to_string(s.units_read), std::to_string(s.rows_stored), std::to_string(s.rows_rejected),
          std::to_string(s.header_units), opt_time(s.first_time_us), opt_time(s.last_time_us), s.sha256,
          std::to_string(s.size), s.ingested_at, opt(s.time_basis), opt(s.notes)};
}

void append_json(std::string& out, const db::SourceListing& s) {
  JsonObject o(out);
  o.number("id", s.id)
      .number_or_null("parent_id", s.parent_id)
      .text("bundle", s.bundle)
      .text("path", s.path)
      .text("status", s.status)
      .text_or_null("status_reason", s.status_reason)
      .text_or_null("format", s.format)
      .number_or_null("sniff_score", s.sniff_score)
      .text_or_null("sniff_reason", s.sniff_reason)
      .text_or_null("encoding", s.encoding)
      .text_or_null("host", s.host)
      .text_or_null("host_reason", s.host_reason)
      .text_or_null("time_zone", s.time_zone)
      .boolean("time_zone_assumed", s.time_zone_assumed)
      .text_or_null("time_zone_reason", s.time_zone_reason)
      .text_or_null("unit", s.unit)
      .number("units_read", s.units_read)
      .number("rows_stored", s.rows_stored)
      .number("rows_rejected", s.rows_rejected)
      .number("header_units", s.header_units)
      .text_or_null("first_time", opt_time_json(s.first_time_us))
      .text_or_null("last_time", opt_time_json(s.last_time_us))
      .text("sha256", s.sha256)
      .number("size", s.size)
      .text("ingested_at", s.ingested_at)
      .text_or_null("time_basis", s.time_basis)
      .text_or_null("notes", s.notes);
  o.close();
}

int run_sources(const SourcesArgs& args) {
  auto c = open_case_for_reading(args.case_file);
  if (!c) {
    report_error(std::cerr, "sources", c.status().message());
    return exit_code_for(c.status());
  }
  auto cursor = db::SourcesCursor::open(c->db());
  if (!cursor) {
    report_error(std::cerr, "sources", cursor.status().message());
    return exit_code_for(cursor.status());
  }
  std::ostream& out = std::cout;
  db::SourceListing s;
  int64_t count = 0, read = 0, stored = 0, rejected = 0, headers = 0;
  bool any_assumed = false;
  std::map<std::string, int64_t> by_status;
  std::string buf;
  std::unique_ptr<TableWriter> table;
  if (args.format == "table") {
    table = std::make_unique<TableWriter>(
        out,
        std::vector<std::string>{"id", "status", "format", "host", "time zone", "read", "stored", "rejected", "headers",
                                 "path", "reason"},
        std::vector<bool>{true, false, false, false, false, true, true, true, true, false, false},
        stdout_table_options(stdout_color(args.color)));
  } else if (args.format == "csv") {
    append_csv_row(buf, kFullColumns);
  } else {
    buf += "[";
  }
  for (;;) {
    auto r = cursor->next(s);
    if (!r) {
      if (table) table->finish();
      out << buf;
      report_error(std::cerr, "sources", "reading the sources table failed: " + r.status().message());
      return exit_code_for(r.status());
    }
    if (!r.value()) break;
    ++count;
    read += s.units_read;
    stored += s.rows_stored;
    rejected += s.rows_rejected;
    headers += s.header_units;
    ++by_status[s.status];
    if (table) {
      std::string zone = opt(s.time_zone);
      if (s.time_zone_assumed) {
        zone += " (assumed)";
        any_assumed = true;
      }
      bool show_reason = s.status != "ingested";  // why skipped, failed, refused, duplicate; archive counts
      table->add_row({std::to_string(s.id), s.status, opt(s.format), opt(s.host), zone, std::to_string(s.units_read),
                      std::to_string(s.rows_stored), std::to_string(s.rows_rejected), std::to_string(s.header_units),
                      s.path, show_reason ? opt(s.status_reason) : std::string()});
    } else if (args.format == "csv") {
      append_csv_row(buf, csv_cells(s));
    } else {
      buf += count == 1 ? "\n" : ",\n";
      append_json(buf, s);
    }
    if (buf.size() > 64 * 1024) {
      out << buf;
      buf.clear();
    }
  }
  if (table) {
    if (count > 0) {
      table->add_rule();
      table->add_row({"", "total", "", "", "", std::to_string(read), std::to_string(stored),
                      std::to_string(rejected), std::to_string(headers), "", ""});
    }
    table->finish();
    std::string line = std::to_string(count) + (count == 1 ? " source" : " sources");
    bool first = true;
    for (const auto& [status, n] : by_status) {
      line += first ? ": " : ", ";
      first = false;
      line += std::to_string(n) + " " + status;
    }
    line += "\n";
    if (any_assumed) line += "(assumed): no time zone was known for the host; local times were read as UTC\n";
    if (count == 0) line += "the case has no sources: run `pushmortem ingest PATH --case " + args.case_file + "`\n";
    out << line;
  } else if (args.format == "json") {
    buf += count == 0 ? "]\n" : "\n]\n";
  }
  out << buf;
  out.flush();
  if (!out) {
    report_error(std::cerr, "sources", "writing the output failed");
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_sources_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<SourcesArgs>();
  CLI::App* cmd = app.add_subcommand("sources", "List every file of a case: status, format, host, time zone, counts");
  cmd->add_option("--case", args->case_file, "Case database file")->required();
  add_format_option(cmd, args->format, {"table", "csv", "json"}, "Output format: table, csv or json");
  add_color_option(cmd, args->color);
  cmd->footer("Example: pushmortem sources --case case.db --format csv > sources.csv\n"
              "On a terminal the table fits its width (COLUMNS overrides) and cut cells end in …; csv and json keep "
              "every value whole.\nExit codes: 0 done; 1 writing the output failed; 2 usage; 3 the case unreadable; 4 case "
              "from a newer pushmortem.");
  cmd->callback([args, &state] { state.exit_code = run_sources(*args); });
}

}  // namespace pm::cli
