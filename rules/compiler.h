// Compiles a Sigma detection (rules/sigma_types.h) for a logsource into one
// SQL SELECT over the case database. Every value is a bound parameter; regular
// expressions go through the RE2-backed SQL function pm_regexp and CIDR ranges
// through pm_cidr (db/sql_functions.h), so the SQL text never holds a value.
// Pure functions; thread-safe.
//
// The SELECT returns the standard columns first, then one column per
// requested field:
//   0 event_id (NULL for standalone rows without one)   1 time_us (may be NULL)
//   2 host_id (may be NULL)   3 source_id   4 location (may be NULL)
//   5 message (may be NULL)   6 order_key (mapping order column, else NULL)
//   7.. the `fields` of CompileOptions, as text, in order (NULL when absent)
// Rows come ordered by time_us (NULLs last), then source_id, location
// (unless CompileOptions::ordered is false).
//
// Supported (anything else is refused with ErrorKind::unsupported naming the
// feature and file:line): modifiers contains, startswith, endswith, all, re
// (with i, m, s), cidr, windash, exists, gt, gte, lt, lte, base64,
// base64offset, cased, expand; conditions with and, or, not, parentheses,
// `1 of X*`, `all of X*`, `1 of them`, `all of them`; keyword lists. Matching
// is case-insensitive unless `cased`; `*` and `?` are wildcards in plain
// values (escaped as \* \?).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/rows.h"
#include "parsers/core/status.h"
#include "rules/mapping.h"
#include "rules/sigma_types.h"

namespace pm::rules {

struct CompileOptions {
  std::vector<std::string> fields;               // extra output columns (Sigma field names)
  std::vector<int64_t> host_ids;                 // restrict to these hosts (empty = all)
  std::optional<int64_t> from_us, to_us;         // restrict to this window (inclusive); untimed rows
                                                 // are excluded when a window is set, except for
                                                 // tables without a time column
  // `expand` placeholders: %name% -> values (several values are alternatives).
  std::map<std::string, std::vector<std::string>> placeholders;
  std::optional<int64_t> limit;                  // LIMIT n
  bool ordered = true;                           // false: no ORDER BY (rows in plan order, so that a
                                                 // LIMIT can stop early; the caller sorts)
};

struct CompiledQuery {
  std::string sql;
  std::vector<Value> params;     // bound to ?1..?N in order
  std::vector<std::string> fields;  // the extra output columns, as requested
  const LogsourceDef* logsource = nullptr;
};

Result<CompiledQuery> compile_detection(const Detection& detection, const Logsource& logsource,
                                        const Mapping& mapping, const CompileOptions& options);

// A query returning one row (a single column, 1) when the case holds any
// source of this logsource for the given hosts (all hosts when empty), none
// otherwise: "is the evidence there at all?". Windows channels are looked up
// in temp.pm_host_channels (rules/derived_tables.h), not in the events.
Result<CompiledQuery> compile_presence(const Logsource& logsource, const Mapping& mapping,
                                       const std::vector<int64_t>& host_ids);

}  // namespace pm::rules
