// Loads Sigma rules from YAML (yaml-cpp): one file may hold several documents
// (`---`), e.g. base rules and the correlation that uses them. Checks the
// structure, every modifier, the condition and the `pushmortem:` block, and
// refuses anything outside the supported set with file:line and the feature's
// name (never a silent mis-evaluation). Thread-safe (no shared state).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/status.h"
#include "rules/rule.h"

namespace pm::rules {

// Rules from YAML text; `origin` names the file in messages and Rule::origin.
Result<std::vector<Rule>> load_rules_text(std::string_view yaml_text, const std::string& origin);

// A rule file (.yml/.yaml), or every such file under a folder (recursively,
// sorted by path). The first bad file fails the load; `lint` reports all.
Result<std::vector<Rule>> load_rules_path(const std::filesystem::path& path);

// The built-in pack (rules/packs/dpm/*.yml embedded in the binary).
Result<std::vector<Rule>> load_builtin_rules();

// Merges `extra` into `base`: a rule with the same id, or the same name,
// replaces the base one; others are appended. Returns the merged set.
std::vector<Rule> merge_rules(std::vector<Rule> base, std::vector<Rule> extra);

// Cross-rule checks: unique ids, correlation references that resolve.
Status check_rule_set(const std::vector<Rule>& rules);

}  // namespace pm::rules
