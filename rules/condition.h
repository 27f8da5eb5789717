// Parses a Sigma detection condition ("sel and not 1 of filter_*", "all of
// them", parentheses) into a tree. Precedence: not > and > or. Pure; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "parsers/core/status.h"
#include "rules/sigma_types.h"

namespace pm::rules {

struct ConditionNode {
  enum class Kind { selection, and_, or_, not_, one_of, all_of };
  Kind kind = Kind::selection;
  std::string name;       // selection: identifier; one_of/all_of: pattern ("them" or "filter_*")
  std::vector<std::unique_ptr<ConditionNode>> children;  // and_/or_ (2+), not_ (1)
};

// Parses `text`; identifiers and patterns are checked against `selections`
// (an unknown name or a pattern matching nothing is an error naming it and
// `loc`). A pipe (`| count() ...`, the old aggregation syntax) is refused as
// unsupported with a hint to use a correlation rule.
Result<std::unique_ptr<ConditionNode>> parse_condition(const std::string& text,
                                                       const std::vector<Selection>& selections,
                                                       const SourceLoc& loc);

// Names of the selections a one_of/all_of pattern covers ("them" = all), in
// selection order. Patterns are case-sensitive, '*' matches any run of
// characters; selections whose name starts with '_' are left out (as Sigma
// tools do) unless the pattern itself starts with '_'.
std::vector<std::string> expand_pattern(const std::string& pattern, const std::vector<Selection>& selections);

}  // namespace pm::rules
