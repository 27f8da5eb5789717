// Rule lint: checks a rule set and reports every problem as a diagnostic
// (severity, file:line, message) instead of stopping at the first.
//
// Checked: each file loads on its own (one bad file does not hide the
// others); the set's cross-rule checks (check_rule_set); every detection and
// every evidence detection compiles against the mapping (unknown fields,
// unsupported logsources and features; evidence detections get dummy values
// for %server_ips% %target_ips% %server_names% %target_names% %target%);
// every `re` value is a valid RE2 pattern; correlations read fields their
// base rules' logsources have; and each rule's embedded samples
// (`pushmortem: tests: hit/miss`) are inserted one at a time into an
// in-memory case and the compiled detection is run on it: a hit must match,
// a miss must not. Library code: returns diagnostics, never prints.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rules/mapping.h"
#include "rules/rule.h"

namespace pm::rules {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLoc loc;        // file and line (0 when unknown)
  std::string message;  // without the location

  // "file:line: error: message" (or "file: ..." when the line is unknown).
  std::string str() const;
};

const char* to_string(Severity severity);

// Rule files read one by one: the rules of every file that loaded, and a
// diagnostic for each that did not (or for a PATH that is missing).
struct RuleFiles {
  std::vector<Rule> rules;
  std::vector<Diagnostic> diagnostics;
};

// Each PATH is a rule file (.yml/.yaml) or a folder searched recursively
// (sorted by path, as load_rules_path).
RuleFiles load_rule_files(const std::vector<std::filesystem::path>& paths);

struct LintOptions {
  bool evidence = true;  // compile evidence detections
  bool samples = true;   // run the embedded samples
};

// Lints a loaded rule set (set checks, compilation, regexes, correlation
// fields, samples). Diagnostics in rule order.
std::vector<Diagnostic> lint_rules(const std::vector<Rule>& rules, const Mapping& mapping,
                                   const LintOptions& options = {});

// load_rule_files + lint_rules over what loaded.
std::vector<Diagnostic> lint_paths(const std::vector<std::filesystem::path>& paths, const Mapping& mapping,
                                   const LintOptions& options = {});

// A failed Status as a diagnostic: a leading "file:line: " (file = `origin`)
// in the message becomes the location.
Diagnostic diagnostic_from_status(const Status& status, const std::string& origin);

bool has_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace pm::rules
