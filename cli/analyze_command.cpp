// `pushmortem analyze BUNDLE... [--case FILE] [--format text|json|md]`
// The main job: ingest the bundle(s), then explain. Without --case the case
// lives in a temporary file that is removed afterwards. Ingest progress goes
// to stderr (a bar, when it is a terminal and the work takes over a second).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/explain_common.h"
#include "cli/platform.h"
#include "cli/style.h"
#include "db/ingest.h"

namespace pm::cli {
namespace {

struct AnalyzeArgs {
  std::vector<std::string> paths;
  std::string case_file, host, tz;
  int year = 0;
  ExplainArgs explain;
};

// A case file in the temporary folder, removed (with its journal) on scope exit.
class TemporaryCase {
 public:
  TemporaryCase() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / fmt::format("pushmortem-{:08x}{:08x}.case", rd(), rd());
  }
  ~TemporaryCase() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    std::filesystem::remove(path_.string() + "-journal", ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

int run_analyze(const AnalyzeArgs& a) {
  std::unique_ptr<TemporaryCase> temp;
  std::string case_file = a.case_file;
  if (case_file.empty()) {
    temp = std::make_unique<TemporaryCase>();
    case_file = temp->path();
  }
  const bool quiet = a.explain.verbosity.quiet;
  {
    const auto start = std::chrono::steady_clock::now();
    const std::atomic<bool>& cancel = install_interrupt_handler();
    auto c = db::CaseDb::open_for_write(case_file);
    if (!c) {
      std::fprintf(stderr, "pushmortem analyze: %s\n", c.status().message().c_str());
      return exit_code_for(c.status());
    }
    db::IngestOptions opt;
    for (const auto& p : a.paths) opt.paths.emplace_back(p);
    opt.host = a.host;
    opt.tz = a.tz;
    if (a.year > 0) opt.year = a.year;
    opt.cancel = &cancel;
    StatusLine line(progress_wanted(quiet));
    auto progress = [&line](const db::IngestProgress& p) {
      if (line.due()) line.update(ingest_progress_text(p, stderr_terminal_columns()));
    };
    auto report = db::ingest(c.value(), opt, progress);
    line.clear();
    if (!report) {
      std::fprintf(stderr, "pushmortem analyze: %s\n", report.status().message().c_str());
      return exit_code_for(report.status());
    }
    const db::IngestReport& r = *report;
    if (!quiet)
      std::fprintf(stderr, "pushmortem analyze: %zu files: %d ingested, %d failed, %d refused; %lld rows stored, %lld rejected%s\n",
                   r.sources.size(), r.ingested, r.failed, r.refused, static_cast<long long>(r.rows_stored),
                   static_cast<long long>(r.rows_rejected),
                   temp ? "" : fmt::format(" (case: {})", case_file).c_str());
    for (const auto& s : r.sources)
      if (s.status == "failed") std::fprintf(stderr, "pushmortem analyze: %s: %s\n", s.path.c_str(), s.reason.c_str());
    if (a.explain.verbosity.verbose)
      std::fprintf(stderr, "pushmortem analyze: ingest took %.3f s (%.3f s building indexes)\n", seconds_since(start),
                   r.seconds_indexing);
  }
  return run_explain("analyze", case_file, a.explain);
}

}  // namespace

void add_analyze_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = app.add_subcommand("analyze", "Ingest a bundle and explain it in one step (the main job)");
  cmd->add_option("paths", args->paths, "Bundles: files, folders or archives (.zip .cab .7z .tar .tar.gz)")->required();
  cmd->add_option("--case", args->case_file, "Keep the case database in this file (default: a temporary file, removed)");
  cmd->add_option("--host", args->host, "Attribute every file to this host (NetBIOS name or FQDN)");
  cmd->add_option("--tz", args->tz, "Time zone of local-time logs (IANA, Windows id or systeminfo display name)");
  cmd->add_option("--year", args->year, "Year of the last dated line of DPM trace logs (they write no year)")
      ->check(CLI::Range(1990, 2100));
  add_explain_options(cmd, args->explain);
  add_format_alias(cmd->get_option("--format"), "table", "text");
  add_color_option(cmd, args->explain.color);
  add_verbosity_flags(cmd, args->explain.verbosity, "No progress and no ingest summary: only the findings and errors",
                      "Also print where the time went (standard error)");
  cmd->add_flag("--fail-on-findings", args->explain.fail_on_findings,
                "Exit with code 5 when at least one finding is reported (for scripts)");
  cmd->footer(
      "Examples:\n  pushmortem analyze customer-bundle.zip\n"
      "  pushmortem analyze dpm01/ fs01/ --case case.db --format md > findings.md\n"
      "  pushmortem analyze bundle.zip --quiet --fail-on-findings --format json > findings.json || echo \"see findings\"\n"
      "Ingest messages and progress go to stderr; the findings to stdout.\n"
      "Exit codes: 0 done; 2 usage; 3 a PATH or the case unreadable; 4 case from a newer pushmortem; "
      "5 findings reported (with --fail-on-findings); 130 interrupted.");
  cmd->callback([args, &state] { state.exit_code = run_analyze(*args); });
}

}  // namespace pm::cli
