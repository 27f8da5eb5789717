// Per-host clock offsets. A host's offset is how far its clock ran ahead of
// the DPM server's (the reference): an event at true time T is logged by the
// host at T + offset. Estimated from connections seen by both machines'
// firewall logs (a SEND row on one and the RECEIVE/DROP row on the other with
// the same protocol, addresses and ports; each connection's first row, since
// a blocked SYN's retries repeat them), median over pairs, or given with
// --skew. Not thread-shared.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "db/sqlite.h"
#include "parsers/core/status.h"

namespace pm::rules {

struct ClockOffset {
  int64_t offset_us = 0;
  std::string basis;  // "--skew", "12 firewall connections seen on both hosts (median)", ...
};

// Lazily estimated: a host's offset is worked out the first time it is asked
// for, from the rows of both firewall logs inside the given window (so that a
// case of millions of rows costs two indexed range reads per host).
class ClockTable {
 public:
  // `given`: host_id -> offset (from --skew), used as is.
  ClockTable(db::Database& db, std::map<int64_t, int64_t> given) : db_(db), given_(std::move(given)) {}
  // Offset of `host_id` relative to `reference_host_id`, estimated from rows in
  // [from_us, to_us] (both clocks); nullopt when nothing tells (0 is then assumed).
  Result<std::optional<ClockOffset>> offset(int64_t reference_host_id, int64_t host_id, int64_t from_us,
                                            int64_t to_us);

 private:
  db::Database& db_;
  std::map<int64_t, int64_t> given_;
  std::map<std::pair<int64_t, int64_t>, std::optional<ClockOffset>> cache_;
};

}  // namespace pm::rules
