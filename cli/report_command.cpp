// `pushmortem report --case FILE -o report.html [--rules PATH] [--skew HOST=S] [--all]`
// Explains the case like `explain` and writes the findings as one
// self-contained HTML page (cli/report_html.h) that opens offline, e.g. from a
// ticket attachment. The file is written next to its final name and renamed
// into place, so a failed run never leaves half a report.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/explain_common.h"
#include "cli/read_common.h"
#include "cli/report_html.h"
#include "parsers/core/time_util.h"

namespace pm::cli {
namespace {

struct ReportArgs {
  std::string case_file;
  std::string output;
  ExplainArgs explain;
};

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec) && std::filesystem::equivalent(a, b, ec);
}

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

int run_report(const ReportArgs& args) {
  if (same_file(args.output, args.case_file)) {
    report_error(std::cerr, "report", "-o " + args.output + " is the case file itself: give another output file name");
    return kExitUsage;
  }
  auto explained = explain_case_file(args.case_file, args.explain);
  if (!explained) {
    report_error(std::cerr, "report", explained.status().message());
    return exit_code_for(explained.status());
  }
  ReportInfo info;
  info.case_name = std::filesystem::path(args.case_file).filename().string();
  std::string generated = format_iso8601_us(now_us());
  info.generated_at = generated.substr(0, 19) + "Z";  // to the second
  auto html = build_report_html(explained->case_db.db(), explained->result, info);
  if (!html) {
    report_error(std::cerr, "report", html.status().message());
    return exit_code_for(html.status());
  }

  std::filesystem::path target(args.output);
  std::filesystem::path partial = target;
  partial += ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file) {
      report_error(std::cerr, "report", "cannot write " + args.output + ": check that its folder exists and is writable");
      return kExitInput;
    }
    file.write(html->data(), static_cast<std::streamsize>(html->size()));
    file.close();
    if (!file) {
      std::error_code ec;
      std::filesystem::remove(partial, ec);
      report_error(std::cerr, "report", "writing " + args.output + " failed (disk full?)");
      return kExitFailure;
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, target, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    report_error(std::cerr, "report", "cannot write " + args.output + ": " + ec.message());
    return kExitInput;
  }
  size_t n = explained->result.findings.size();
  std::fprintf(stderr, "pushmortem report: %zu finding%s written to %s (%zu bytes)\n", n, n == 1 ? "" : "s",
               args.output.c_str(), html->size());
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand("report", "Write the findings of a case as one self-contained HTML page");
  cmd->add_option("--case", args->case_file, "Case database (made by ingest or analyze --case)")->required();
  cmd->add_option("-o,--output", args->output, "HTML file to write (overwritten)")->required();
  add_explain_options(cmd, args->explain);
  cmd->get_option("--format")->group("");  // shared with explain; the report is always HTML
  cmd->footer(
      "Examples:\n  pushmortem report --case case.db -o report.html\n"
      "  pushmortem analyze customer-bundle.zip --case case.db && pushmortem report --case case.db -o fs01-push.html\n"
      "The page needs no network: scripts, styles and data are inline, so it opens offline from a ticket "
      "attachment. It holds the findings summary, then per finding an interactive timeline (a lane per host; "
      "wheel or drag to zoom, hover for the full line), the evidence, the checks, missing sources and the fix "
      "with a copy button.");
  cmd->callback([args, &state] { state.exit_code = run_report(*args); });
}

}  // namespace pm::cli
