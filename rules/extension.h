// pushmortem's extension of a Sigma rule: the `pushmortem:` block, which a
// Sigma tool ignores (the rule stays valid Sigma). It holds the explanation
// of a finding (title, narrative, evidence with weights, absence handling,
// remediation) and the rule's embedded test samples. Loaded and checked by
// rules/rule_loader.h; evaluated by rules/explain/. Plain values.
//
// Templates are fmt format strings with named arguments ({target},
// {first_seen}, {<evidence id>}, ...; the list is in docs/rules.md). Evidence
// detections are Sigma detections; values may use the `expand` modifier with
// placeholders such as %server_ips% filled from the finding.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/sigma_types.h"

namespace pm::rules {

enum class EvidenceRole { supporting, contradicting, context };
enum class EvidenceHost { target, server, any };

// One outcome of an evidence query: the weight it adds to the finding's
// confidence (negative lowers it) and the sentence that says so.
struct Outcome {
  double weight = 0;
  std::string text;  // template
  std::string when;  // absent outcomes only: applies when this other evidence id was found; empty = default
  SourceLoc loc;
};

struct EvidenceSpec {
  std::string id;          // [a-z0-9_]+, unique in the rule; also the template argument name
  std::string title;       // short label, e.g. "Firewall DROP rows from the DPM server"
  EvidenceRole role = EvidenceRole::supporting;
  Logsource logsource;
  EvidenceHost host = EvidenceHost::target;
  std::optional<int64_t> before_us, after_us;  // window around the finding; none = any time
  Detection detection;
  std::optional<Outcome> found;       // rows matched
  std::vector<Outcome> absent;        // source present, nothing matched (first matching `when` wins)
  std::optional<Outcome> missing;     // no source of this logsource for the host
  std::string decides;                // names the source that would decide it (missing_sources)
  int limit = 20;                     // evidence rows kept for the report
  SourceLoc loc;
};

struct FindingSpec {
  std::string host;          // correlation group-by field (or base-rule field) naming the host
  std::string title;         // template
  std::string summary;       // one-line cause (template)
  std::string narrative;     // template
  double confidence = 0.5;   // base, before evidence weights; the result is clamped to 0..1
  double report_below = 0;   // findings that end below this confidence are not reported
  SourceLoc loc;
};

// An embedded test sample: field values of one event of the rule's logsource.
struct Sample {
  std::map<std::string, std::string> fields;
  SourceLoc loc;
};

struct Extension {
  std::optional<FindingSpec> finding;  // absent: the rule only feeds correlations / hunt
  std::vector<EvidenceSpec> evidence;
  std::string remediation;             // template
  std::vector<Sample> hits, misses;    // `tests: {hit: [...], miss: [...]}`
  SourceLoc loc;
};

}  // namespace pm::rules
