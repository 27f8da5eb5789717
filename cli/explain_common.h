// What `explain` and `analyze` share: their rule and output options, and
// running the explanation engine over an open case and printing the result.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pm::cli {

struct ExplainArgs {
  std::string format = "text";             // text, json, md
  std::vector<std::string> rule_paths;     // --rules: files or folders, added to (or replacing by id) the pack
  bool no_builtin = false;                 // --no-builtin: only the --rules rules
  std::vector<std::string> skews;          // --skew HOST=SECONDS
  bool all = false;                        // --all: also findings below their reporting threshold
};

void add_explain_options(CLI::App* cmd, ExplainArgs& args);

// Explains the case at `case_file` and prints the findings to stdout; errors
// go to stderr as "pushmortem COMMAND: ...". Returns the exit code.
int run_explain(const std::string& command, const std::string& case_file, const ExplainArgs& args);

}  // namespace pm::cli
