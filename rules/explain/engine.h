// The explanation engine: runs every rule that carries a `pushmortem.finding`
// block over a case and turns each hit (a correlation group, or the matches
// of a detection rule for one host) into a Finding: evidence queries around
// the hit on the right hosts (clock offsets tolerated), weights summed into a
// confidence, absence told apart from missing sources, templates filled.
// Needs a connection on which build_derived_tables has run. One call per
// thread; the Database must outlive the call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "parsers/core/status.h"
#include "rules/explain/finding.h"
#include "rules/mapping.h"
#include "rules/rule.h"

namespace pm::rules {

struct ExplainOptions {
  std::map<std::string, int64_t> skew_us;  // --skew HOST=SECONDS: host name or alias -> offset
  bool include_suppressed = false;         // also findings below their rule's report_below
};

struct ExplainResult {
  std::vector<Finding> findings;           // by level (critical first), confidence, host, time
  std::vector<std::string> notes;          // case-wide notes (clock offsets, ...)
};

Result<ExplainResult> explain_case(db::Database& db, const std::vector<Rule>& rules, const Mapping& mapping,
                                   const ExplainOptions& options);

}  // namespace pm::rules
