// Runs one evidence query of a finding: is the source there at all (else
// "missing"), and which rows match the evidence detection on the right hosts
// within the window (found / absent). Outcomes and texts are chosen by the
// engine afterwards (an absent outcome may depend on other evidence). Not
// thread-shared; the Database must outlive the call.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "parsers/core/status.h"
#include "rules/extension.h"
#include "rules/mapping.h"
#include "rules/matcher.h"

namespace pm::rules {

struct EvidenceQuery {
  std::vector<int64_t> host_ids;           // empty with `no_host` set: the host is not in the case
  bool no_host = false;
  std::optional<int64_t> from_us, to_us;   // window on those hosts' clocks; none = any time
  std::map<std::string, std::vector<std::string>> placeholders;
  // Presence answers by query (SQL and parameters), shared across the
  // evidence of a run: many findings ask the same "is the System log there?".
  std::map<std::string, bool>* presence_cache = nullptr;
};

// Matches are counted up to this many (the count is then "at least").
constexpr int64_t kCountCap = 10000;

struct EvidenceRun {
  enum class State { found, absent, missing };
  State state = State::missing;
  int64_t count = 0;
  bool count_capped = false;  // more than kCountCap matched
  std::vector<Match> rows;  // the first `limit` matches
};

Result<EvidenceRun> run_evidence(db::Database& db, const Mapping& mapping, const EvidenceSpec& spec,
                                 const EvidenceQuery& query);

}  // namespace pm::rules
