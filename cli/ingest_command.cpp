// `pushmortem ingest PATH... --case FILE [--host NAME] [--tz ZONE]`
// Ingests files, folders and archives into a case; prints a per-source
// summary, the first rejected lines of each source (file:line: reason), and
// progress on stderr when it is a terminal (after the first second).
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/platform.h"
#include "cli/style.h"
#include "db/ingest.h"

namespace pm::cli {
namespace {

struct IngestArgs {
  std::vector<std::string> paths;
  std::string case_file, host, tz;
  int threads = 0;
  int year = 0;
  Verbosity verbosity;
  uint64_t max_total_mb = 16384;
  int max_depth = 4;
};

void print_rejections(db::CaseDb& c, int64_t source_id, const std::string& path, int64_t total) {
  auto st = c.db().prepare("SELECT location, reason FROM rejected WHERE source_id = ? ORDER BY location LIMIT 5");
  if (!st) return;
  st->bind(1, source_id);
  for (auto r = st->step(); r && r.value(); r = st->step())
    std::fprintf(stderr, "  %s:%lld: rejected: %.*s\n", path.c_str(), static_cast<long long>(st->column_int(0)),
                 static_cast<int>(st->column_text(1).size()), st->column_text(1).data());
  if (total > 5)
    std::fprintf(stderr, "  ... %lld more; see: pushmortem query --case CASE \"SELECT * FROM rejected WHERE source_id = %lld\"\n",
                 static_cast<long long>(total - 5), static_cast<long long>(source_id));
}

int run_ingest(const IngestArgs& a) {
  const std::atomic<bool>& cancel = install_interrupt_handler();
  auto c = db::CaseDb::open_for_write(a.case_file);
  if (!c) {
    std::fprintf(stderr, "pushmortem ingest: %s\n", c.status().message().c_str());
    return exit_code_for(c.status());
  }
  db::IngestOptions opt;
  for (const auto& p : a.paths) opt.paths.emplace_back(p);
  opt.host = a.host;
  opt.tz = a.tz;
  opt.parse_threads = a.threads;
  if (a.year > 0) opt.year = a.year;
  opt.cancel = &cancel;
  opt.limits.max_total_bytes = a.max_total_mb << 20;
  opt.limits.max_depth = a.max_depth;
  const bool quiet = a.verbosity.quiet, verbose = a.verbosity.verbose;
  StatusLine line(progress_wanted(quiet));
  auto progress = [&line](const db::IngestProgress& p) {
    if (line.due()) line.update(ingest_progress_text(p, stderr_terminal_columns()));
  };
  auto report = db::ingest(c.value(), opt, progress);
  line.clear();
  if (!report) {
    std::fprintf(stderr, "pushmortem ingest: %s\n", report.status().message().c_str());
    return exit_code_for(report.status());
  }
  const db::IngestReport& r = report.value();
  if (!quiet) {
    for (const auto& s : r.sources) {
      std::string what;
      if (s.status == "ingested") {
        what = fmt::format("{} {}s: {} stored, {} rejected, {} header", s.counts.units_read, s.counts.unit,
                           s.counts.rows_stored, s.counts.rows_rejected, s.counts.header_units);
        if (!s.host.empty()) what += "; host " + s.host;
        if (s.zone_assumed) what += "; time zone unknown, UTC assumed";
        else if (!s.time_zone.empty()) what += "; zone " + s.time_zone;
      } else {
        what = s.reason;
      }
      std::printf("%-16s %-18s %s  %s\n", s.status.c_str(), s.format.empty() ? "-" : s.format.c_str(),
                  s.path.c_str(), what.c_str());
      if (s.counts.rows_rejected > 0) print_rejections(c.value(), s.source_id, s.path, s.counts.rows_rejected);
      if (s.status == "failed") std::fprintf(stderr, "pushmortem ingest: %s\n", s.reason.c_str());
    }
  }
  std::printf("%zu files: %d ingested, %d skipped, %d duplicate, %d already in the case, %d refused, %d failed; "
              "%lld rows stored, %lld rejected\n",
              r.sources.size(), r.ingested, r.skipped, r.duplicates, r.already, r.refused, r.failed,
              static_cast<long long>(r.rows_stored), static_cast<long long>(r.rows_rejected));
  if (verbose)
    std::printf("%.3f s in all, %.3f s building indexes\n", r.seconds_total, r.seconds_indexing);
  if (r.already > 0 && r.ingested == 0 && r.skipped == 0 && r.duplicates == 0 && r.failed == 0)
    std::printf("nothing new: this content is already in %s\n", a.case_file.c_str());
  return r.failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace

void add_ingest_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand("ingest", "Read files, folders and archives into a case database");
  cmd->add_option("paths", args->paths, "Files, folders or archives (.zip .cab .7z .tar .tar.gz), nested allowed")
      ->required();
  cmd->add_option("--case", args->case_file, "Case database file (created when missing)")->required();
  cmd->add_option("--host", args->host, "Attribute every file to this host (NetBIOS name or FQDN)");
  cmd->add_option("--tz", args->tz,
                  "Time zone of local-time logs: IANA (Europe/Berlin), Windows id (W. Europe Standard Time) "
                  "or systeminfo display name");
  cmd->add_option("--year", args->year, "Year of the last dated line of logs that write no year (DPM trace logs); earlier lines follow, across New Year")
      ->check(CLI::Range(1990, 2100));
  cmd->add_option("--threads", args->threads, "Parser threads (default: cores - 1, at least 1)");
  cmd->add_option("--max-unpacked-mb", args->max_total_mb, "Refuse to unpack more than this per PATH (default 16384)");
  cmd->add_option("--max-archive-depth", args->max_depth, "Archives inside archives, at most (default 4)");
  add_verbosity_flags(cmd, args->verbosity, "No progress bar and no per-file lines: only the final totals and errors",
                      "Also print where the time went");
  cmd->footer(
      "Examples:\n  pushmortem ingest customer-bundle.zip --case case.db\n"
      "  pushmortem ingest fs01/pfirewall.log --case case.db --host fs01.contoso.com --tz \"Eastern Standard Time\"\n"
      "Host: --host, else a folder named after the machine, else the content (systeminfo, ipconfig) or host facts "
      "in the same folder.\nTime zone: --tz, else the host's systeminfo, else unknown (UTC assumed, flagged).\n"
      "A progress bar is drawn on standard error when it is a terminal and the work takes over a second.\n"
      "Exit codes: 0 done; 1 some file failed (the others are in the case); 2 usage; 3 a PATH or the case "
      "unreadable; 4 case from a newer pushmortem; 130 interrupted (the current file rolled back).");
  cmd->callback([args, &state] { state.exit_code = run_ingest(*args); });
}

}  // namespace pm::cli
