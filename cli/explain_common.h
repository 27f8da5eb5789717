// What `explain` and `analyze` share: their rule and output options, and
// running the explanation engine over an open case and printing the result.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/style.h"
#include "db/case_db.h"
#include "parsers/core/status.h"
#include "rules/explain/engine.h"

namespace pm::cli {

struct ExplainArgs {
  std::string format = "text";             // text, json, md
  std::vector<std::string> rule_paths;     // --rules: files or folders, added to (or replacing by id) the pack
  bool no_builtin = false;                 // --no-builtin: only the --rules rules
  std::vector<std::string> skews;          // --skew HOST=SECONDS
  bool all = false;                        // --all: also findings below their reporting threshold
  // Added by explain_command.cpp / analyze_command.cpp, used by run_explain:
  ColorMode color = ColorMode::auto_detect;  // --color (text output)
  Verbosity verbosity;                       // -q: no progress line; -v: the time taken on stderr
  bool fail_on_findings = false;             // --fail-on-findings: exit kExitFindings when a finding is reported
};

void add_explain_options(CLI::App* cmd, ExplainArgs& args);

// A case opened read-only with the derived tables built on its connection
// (temp.pm_push_attempts, ...), and what the explanation engine concluded.
struct ExplainedCase {
  db::CaseDb case_db;
  rules::ExplainResult result;
};

// Loads the rule set (--rules, --no-builtin), parses --skew, opens the case
// read-only, builds the derived tables and runs the explanation engine. Fails
// with ErrorKind::usage for a bad --skew or an empty `case_file`, with the
// rule loader's or the case's Status otherwise (the message is ready to print
// after "pushmortem COMMAND: "). args.format is not used.
Result<ExplainedCase> explain_case_file(const std::string& case_file, const ExplainArgs& args);

// Explains the case at `case_file` and prints the findings to stdout; errors
// go to stderr as "pushmortem COMMAND: ...". Returns the exit code.
int run_explain(const std::string& command, const std::string& case_file, const ExplainArgs& args);

}  // namespace pm::cli
