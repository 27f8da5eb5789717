// One line of a DPM trace log (*.errlog), split into its fields. Pure
// functions on UTF-8 text; no allocation.
//
// Contract:
// - A trace line is, after optional leading spaces and an optional findstr
//   prefix (`FILE:` or `FILE:123:` when any text up to a colon is followed by
//   a trace line start), the 10 fields
//     pid · tid · MM/DD · HH:MM:SS[.fff] · tag · source(line) · [object] · task GUID · level · message
//   either separated by single tabs (empty fields kept; the message is the rest
//   of the line, its own tabs kept), or, when the first separator is a space,
//   by runs of spaces (the KB/paste rendering): there object and GUID may be
//   missing and the level must be a known word (NORMAL, WARNING, ERROR, FATAL,
//   CRITICAL, ACTIVITY, INFO, PERF, VERBOSE) so that the message can be found.
// - The start of a trace line (the "trace start") is pid and tid (1..8 hex
//   digits), a date of 1..2 digits '/' 1..2 digits and a time H:MM:SS with an
//   optional fraction of 1..7 digits. A line with a trace start whose date is a
//   real month/day is "dated", even when a later field is malformed: that is
//   what the year inference counts (see errlog_year.h), so it must not depend
//   on anything after the time.
// - split_trace_line() says trace (every field valid), malformed (a trace
//   start, but a field is wrong: `reason` says which) or other (no trace start).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/core/rows.h"

namespace pm::dpm {

struct TraceLine {
  std::string_view prefix;  // findstr FILE prefix without its colon(s); empty when none
  std::string_view pid, tid, date, time, tag, source, object, guid, level, message;
  std::string_view code_file;   // source without "(line)"
  int64_t code_line = -1;       // -1 when the source carries no "(digits)"
  int month = 0, day = 0;       // valid when dated
  int64_t time_of_day_us = -1;  // -1 when the time is out of range
  bool dated = false;           // a trace start with a real month/day
  bool tabs = false;            // tab-separated (else runs of spaces)
};

enum class TraceMatch { trace, malformed, other };

// Splits `line` (no CR/LF). `reason` is set for malformed lines only.
TraceMatch split_trace_line(std::string_view line, TraceLine& out, std::string& reason);

// The trace start of `head` (the first bytes of a line): true and month/day
// when the line is dated. Equivalent to split_trace_line(...).dated, for the
// cheap first pass over raw bytes.
bool leading_trace_date(std::string_view head, int& month, int& day);

// NORMAL -> info, WARNING -> warning, ERROR -> error, FATAL/CRITICAL ->
// critical, anything else -> info (case-insensitive).
Level level_from_trace(std::string_view level);

}  // namespace pm::dpm
