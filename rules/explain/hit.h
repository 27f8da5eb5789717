// Hits and their context. A hit is what one finding is made from: a
// correlation group, or a detection rule's matches for one host (grouped by
// the finding's `host` field; "host" groups by the rows' own host). The
// context resolves the target host, the DPM server(s), the placeholders for
// `expand` and the template arguments (docs/rules.md lists them). Not
// thread-shared.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "parsers/core/status.h"
#include "rules/explain/case_info.h"
#include "rules/explain/templates.h"
#include "rules/mapping.h"
#include "rules/matcher.h"
#include "rules/rule.h"

namespace pm::rules {

struct Hit {
  const Rule* rule = nullptr;
  std::string host_value;                 // the group's host field value, as matched
  std::optional<int64_t> host_id;         // when grouped by the rows' own host
  std::vector<Match> members;
  std::optional<int64_t> first_us, last_us;
};

struct HitContext {
  const HostInfo* target = nullptr;       // NULL when the host is not in the case
  std::vector<int64_t> server_ids;        // the DPM server(s) that recorded the hit, else the case's
  std::optional<int64_t> reference;       // whose clock windows are in (the first server)
  std::map<std::string, std::vector<std::string>> placeholders;
  TemplateArgs args;
  std::vector<std::string> notes;
};

Result<std::vector<Hit>> collect_hits(db::Database& db, const Rule& rule, const std::vector<Rule>& rules,
                                      const Mapping& mapping, const CaseInfo& info);
Result<HitContext> build_context(db::Database& db, const CaseInfo& info, const Hit& hit);

// "+90 s", "-2 min 5 s", "0 s".
std::string format_offset(int64_t offset_us);

}  // namespace pm::rules
