// The data behind a report's per-finding timeline (cli/report_html.h): for
// one finding, a time window and one lane per host involved (the finding's
// host, the hosts of its evidence, the DPM servers that recorded push
// attempts on it), each with the case's events in that window, read with
// bound values through the events_host_time index.
//
// Window: the finding's first..last time and its timed evidence, widened by
// a tenth of the span (at least two minutes) on each side; a finding with no
// time at all (console errors only) gets the whole time range of its hosts.
//
// A lane with at most `max_lane_marks` events in the window carries every
// event as a mark. A busier lane carries counts per time bucket instead
// (`buckets` equal slices of the window) plus its error/critical events as
// marks (at most `max_lane_marks / 4`), so the report's size no longer
// grows with the case. Evidence lines and push attempts (temp.pm_push_attempts,
// so build_derived_tables must have run on the connection) are always
// individual marks. Library code: never prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "parsers/core/status.h"
#include "rules/explain/finding.h"

namespace pm::cli {

// What a mark or a bucket count is: firewall rows by action (pfirewall
// ALLOW/OPEN, DROP, anything else such as CLOSE or INFO-EVENTS-LOST; Windows
// Filtering Platform 5156/5158 allow and 5152/5157 drop count as firewall
// rows too), every other event by level.
enum class MarkKind { allow, drop, firewall_other, error, warning, info };
inline constexpr int kMarkKinds = 6;
const char* mark_kind_name(MarkKind kind);  // allow, drop, fw, error, warning, info

struct TimelineMark {
  int64_t time_us = 0;
  MarkKind kind = MarkKind::info;
  std::string code;     // events.event_code ("" when none)
  std::string message;  // clipped to 2000 bytes
  std::string where;    // source path:line
};

struct EvidenceMark {
  int64_t time_us = 0;
  std::string role;     // trigger, supporting, contradicting, context
  std::string check;    // the evidence item's id (the rule id for trigger lines)
  std::string message;
  std::string where;
};

struct TimelineBucket {
  int64_t index = 0;              // slice of the window: [from + index*bucket_us, +bucket_us)
  int64_t counts[kMarkKinds] = {};  // by MarkKind
};

struct TimelineLane {
  std::string host;           // hosts.name; "" for evidence without a host
  std::string role;           // target; server (recorded its push attempts, or a DPM server); other
  int64_t total = 0;          // events of this host in the window
  bool aggregated = false;    // buckets instead of one mark per event
  int64_t bucket_us = 0;      // when aggregated
  std::vector<TimelineBucket> buckets;   // non-empty buckets, by index
  std::vector<TimelineMark> marks;       // by time (evidence rows too)
  std::vector<EvidenceMark> evidence;    // the finding's timed evidence on this host
};

struct AttemptMark {
  int64_t time_us = 0;
  std::string host;     // lane it was recorded on (the server; the target for MSI logs)
  std::string result;   // failed, succeeded
  std::string label;    // "347", "0x800706BA", "success", ...
  std::string message;
  std::string where;
};

struct FindingTimeline {
  std::optional<int64_t> from_us, to_us;  // empty when nothing about the finding is timed
  std::string basis;                      // finding, host-range, none
  std::vector<TimelineLane> lanes;        // target first, then servers, then others
  std::vector<AttemptMark> attempts;      // timed attempts on the target inside the window, by time
  int64_t untimed_evidence = 0;           // evidence lines without a time (not drawn)
  int64_t untimed_attempts = 0;
};

struct TimelineLimits {
  int64_t max_lane_marks = 2000;
  int64_t buckets = 480;
};

Result<FindingTimeline> read_finding_timeline(db::Database& db, const rules::Finding& finding,
                                              const TimelineLimits& limits = {});

// The timeline as one JSON object (the report's data contract with
// report.js): {"from_us","to_us","basis","lanes":[{"host","role","total",
// "aggregated","bucket_us","buckets":[[index,allow,drop,fw,error,warning,info]...],
// "marks":[[time_us,kind,code,message,where]...],"evidence":[[time_us,role,
// check,message,where]...]}],"attempts":[[time_us,host,result,label,message,
// where]...],"untimed_evidence","untimed_attempts"}. Times are integers (µs).
std::string timeline_json(const FindingTimeline& timeline);

}  // namespace pm::cli
