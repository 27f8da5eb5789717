// A finding: what the explanation engine concludes for one host from one
// rule, with the evidence line by line, what was absent and why it matters,
// the sources that would have decided open questions, and the fix. Plain
// values produced by rules/explain/engine.h and printed by cli/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pm::rules {

struct EvidenceLine {
  std::string role;        // trigger, supporting, contradicting, context
  std::string evidence_id; // the rule's evidence id; the rule id for trigger lines
  std::optional<int64_t> time_us;
  std::string host;        // hosts.name, empty when unknown
  std::string source_file; // sources.path
  std::optional<int64_t> location;  // line or record number
  std::string message;
};

// What an evidence query concluded (found, absent or missing) and its weight.
struct EvidenceVerdict {
  std::string id, title, role;
  std::string state;       // found, absent, missing, not-checked
  int64_t count = 0;       // rows matched
  double weight = 0;       // what it added to the confidence
  std::string text;        // the rendered sentence
};

struct Finding {
  std::string rule_id, rule_title, level;  // rule_id: the rule's Sigma name, else its id
  std::string title;       // rendered
  std::string host;        // the host the finding is about
  std::string summary;     // one-line cause
  std::string explanation; // rendered narrative
  std::string remediation; // rendered
  double confidence = 0;
  std::optional<int64_t> first_us, last_us;
  std::vector<EvidenceLine> evidence;       // trigger lines first, then by evidence item
  std::vector<EvidenceVerdict> verdicts;    // one per evidence item, in rule order
  std::vector<std::string> missing_sources; // rendered `decides` of missing / not-checked items
  std::vector<std::string> notes;           // clock offsets used, untimed attempts, ...
};

}  // namespace pm::rules
