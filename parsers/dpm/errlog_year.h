// The year of DPM trace dates (MM/DD, no year).
//
// Rollover rule (YearTracker): dates in one file only go forward, so a date
// that goes back is either a clock/ordering glitch or a new year. Comparing
// day-of-year positions (a 366-day calendar) with the latest date seen:
//   - back by 28 days or more: a new year (12/31 -> 01/01, or 06/10 -> 03/01
//     after a quiet spell): the year offset grows by one;
//   - back by less than 28 days: the same year (out of order; the parser flags
//     the row out_of_order by its time);
//   - forward by more than 366-28 days (01/02 after 12/30 ... seen the other
//     way round: 12/30 after 01/02): a late line of the previous year
//     (offset - 1 for that line only).
// Only "dated" lines (errlog_line.h) feed the tracker, in file order, in both
// passes, so the first pass and the parse agree on every line's offset.
//
// Anchor (choose_year): the year of the LAST dated record, then the first
// record's year is that minus the rollovers. In this order:
//   1. --year (SourceRef::year) is the year of the last dated record;
//   2. the file/archive entry time (SourceRef::mtime > 0): the latest year that
//      does not put the last record (its date at 00:00 UTC) after mtime + 1 day;
//      unless that puts the last record more than 60 days after the same host's
//      latest dated time (3.): logs collected together end together, so the
//      file time is then a copy's (a checkout, a file copied without its
//      times) and rule 3 decides;
//   3. the latest dated time of the same host (SourceRef::host_reference_us):
//      the year that puts the last record closest to it;
//   4. unknown: the current UTC year by rule 2 with "now" (the last record not
//      in the future). Rows are not flagged (no flag bit means "year
//      assumed"); time_basis starts with "year unknown:".
// The sentence saying which rule decided goes to ParseCounts::time_basis.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "parsers/core/parser.h"
#include "parsers/core/status.h"

namespace pm::dpm {

class YearTracker {
 public:
  // The year offset of the next dated line relative to the first dated line.
  int feed(int month, int day);
  int rollovers() const { return offset_; }

 private:
  int latest_ = -1;  // day of year of the latest date seen; -1 before the first
  int offset_ = 0;
};

// What the first pass over the raw bytes found.
struct DateScan {
  int64_t dated_lines = 0;
  int64_t first_line = 0, last_line = 0;  // line numbers of the first and last dated line
  int first_month = 0, first_day = 0;
  int last_month = 0, last_day = 0;
  int last_offset = 0;  // the last dated line's year offset
  int rollovers = 0;
};

// Reads `file` once (newline scan and the start of each line only, no full
// decoding; UTF-16LE/BE, UTF-8 or single-byte, detected as LineReader does).
// Fails on I/O errors and with ErrorKind::interrupted when `cancel` is set.
Result<DateScan> scan_trace_dates(const std::filesystem::path& file, const std::atomic<bool>* cancel);

struct YearChoice {
  int first_year = 0;  // the year of the first dated line (offset 0)
  std::string basis;   // for ParseCounts::time_basis
  bool assumed = false;  // no anchor: the year is a guess (rows get event_flags::year_assumed)
};

// Applies the anchors above. `now_s` is the current time (seconds since 1970).
YearChoice choose_year(const DateScan& scan, const SourceRef& source, int64_t now_s);

}  // namespace pm::dpm
