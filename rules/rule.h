// The rule model: one Sigma rule (detection or correlation) as loaded from
// YAML by rules/rule_loader.h, plus pushmortem's extension block (the
// `pushmortem:` key, rules/extension.h). Plain values, no YAML types;
// safe to share read-only between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/extension.h"
#include "rules/sigma_types.h"

namespace pm::rules {

enum class CorrelationType { event_count, value_count, temporal, temporal_ordered };

// condition: {gt|gte|lt|lte|eq|neq: N} (event_count, value_count; value_count
// also names `field`). temporal types use it as "at least N of the rules"
// when given, otherwise all rules must occur.
struct CorrelationCondition {
  std::string field;                  // value_count only
  std::map<std::string, int64_t> ops; // "gte" -> 2 ...
};

struct Correlation {
  CorrelationType type = CorrelationType::event_count;
  std::vector<std::string> rules;       // base rule names or ids, in order (temporal_ordered)
  std::vector<std::string> group_by;    // field names (aliases allowed)
  int64_t timespan_us = 0;              // 0: no limit (pushmortem extension: timespan omitted)
  CorrelationCondition condition;
  // alias -> (base rule name or id -> field in that rule's logsource)
  std::map<std::string, std::map<std::string, std::string>> aliases;
  bool generate = false;                // also report the base rules' own matches
  SourceLoc loc;
};

struct Rule {
  SourceLoc loc;                 // file and the line where the document starts
  std::string id;                // UUID or slug; unique within a rule set
  std::string name;              // Sigma v2 name, referenced by correlations
  std::string title;
  std::string status;            // stable, test, experimental, deprecated, unsupported
  std::string level;             // informational, low, medium, high, critical
  std::string description;
  std::vector<std::string> references;
  std::vector<std::string> tags;
  std::string author, date, modified;
  std::vector<std::string> falsepositives;
  Logsource logsource;           // empty for correlation rules
  std::optional<Detection> detection;
  std::optional<Correlation> correlation;
  std::optional<Extension> extension;  // the `pushmortem:` block, if any
  std::string origin;            // "builtin:dpm/xyz.yml" or the file path it was loaded from

  bool is_correlation() const { return correlation.has_value(); }
  // The name correlations use to refer to this rule: name, else id.
  const std::string& ref() const { return name.empty() ? id : name; }
};

}  // namespace pm::rules
