// `pushmortem explain --case FILE [--format text|json|md] [--rules PATH]...`
// Runs the rule pack over a case and explains each finding.
#include <memory>

#include "cli/commands.h"
#include "cli/explain_common.h"
#include "cli/style.h"

namespace pm::cli {

void add_explain_command(CLI::App& app, CommandState& state) {
  struct Args {
    std::string case_file;
    ExplainArgs explain;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("explain", "Explain the push failures in a case: findings, evidence, the fix");
  cmd->add_option("--case", args->case_file, "Case database (made by ingest)")->required();
  add_explain_options(cmd, args->explain);
  add_format_alias(cmd->get_option("--format"), "table", "text");
  add_color_option(cmd, args->explain.color);
  add_verbosity_flags(cmd, args->explain.verbosity, "No progress line: only the findings and errors",
                      "Also print where the time went (standard error)");
  cmd->add_flag("--fail-on-findings", args->explain.fail_on_findings,
                "Exit with code 5 when at least one finding is reported (for scripts)");
  cmd->footer(
      "Examples:\n  pushmortem explain --case case.db\n  pushmortem explain --case case.db --format json > findings.json\n"
      "  pushmortem explain --case case.db --skew fs01.contoso.com=90 --rules my-rules/\n"
      "  pushmortem explain --case case.db --quiet --fail-on-findings > /dev/null; echo $?\n"
      "Each finding names its host, confidence, the evidence line by line (UTC, host, source:line), what was absent "
      "or missing and why it matters, and the fix.\n"
      "Exit codes: 0 done; 2 usage (e.g. a bad --skew); 3 the case or a --rules PATH unreadable; 4 case from a newer "
      "pushmortem; 5 findings reported (with --fail-on-findings).");
  cmd->callback([args, &state] { state.exit_code = run_explain("explain", args->case_file, args->explain); });
}

}  // namespace pm::cli
