// Internal to rules/correlation.cpp: the window search of correlation rules
// over one group's rows. Semantics (windows, maximal windows, ordering of
// timed and untimed rows) are described in rules/correlation.cpp. Pure
// functions over plain values; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "rules/rule.h"

namespace pm::rules::correlation_detail {

// One base-rule match, compact: group-by values and the counted value are
// interned by the caller; the message is read later for members only.
struct Row {
  std::optional<int64_t> event_id, time_us, host_id, location, order_key;
  int64_t source_id = 0;
  uint32_t group = 0;  // interned group-by values
  int32_t value = -1;  // value_count: interned counted value, -1 when absent
  uint32_t row = 0;    // position among its base query's rows
  int rule = 0;        // index of its base rule in the correlation's list
};

// A group's rows in correlation order: timed rows by time, untimed rows
// merged in by order key (when both have one) or file position.
std::vector<const Row*> order_group(const std::vector<const Row*>& rows);

struct Found {
  std::vector<size_t> positions;  // members (positions in the ordered group), in order
  int64_t count = 0;              // the counted value (temporal types: rules seen)
};

// The first satisfying window of one ordered group, or nothing.
// `rule_count`: base rules; `value_count`: interned counted values.
std::optional<Found> evaluate(const Correlation& c, const std::vector<const Row*>& seq, size_t rule_count,
                              size_t value_count);

}  // namespace pm::rules::correlation_detail
