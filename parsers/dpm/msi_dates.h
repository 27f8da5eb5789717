// Locale dates of MSI verbose logs ("7/24/2020", "24.07.2020", "24/07/2020",
// "2020-07-24", "24-7-2020", two-digit years "24.07.20") and how one file's
// day/month order is decided. Pure functions, no I/O.
//
// Order of a single date (year last): first number > 12 -> day first; second
// number > 12 -> month first; '.' separator -> day first (the dotted locales
// are all D.M.Y); otherwise both readings are possible: ambiguous. A date with
// a four-digit first number is year first (Y-M-D, Y/M/D).
//
// Order of a file (decide_order): every date of one file was written by one
// machine's locale, so
//   1. any date of the file whose order is certain decides it (a '/'-date with
//      a number > 12 anywhere: header, footer, Property(S): Date, "Date:");
//   2. else a header and the footer of the same install, when only one reading
//      puts the footer 0 or 1 day after the header;
//   3. else the file's modification time, when its UTC date is within one day
//      of only one reading of the file's last date;
//   4. else month first (en-US, the most common) and the result says ambiguous.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pm::msi {

enum class DateOrder { month_first, day_first, year_first };

struct LocaleDate {
  int n[3] = {0, 0, 0};  // the numbers in written order
  char sep = '/';
  bool two_digit_year = false;
  std::string text;      // as written
};

// Parses one date token; empty when it is not a plausible date.
std::optional<LocaleDate> parse_locale_date(std::string_view token);

// The order the date proves by itself; empty when ambiguous.
std::optional<DateOrder> implied_order(const LocaleDate& d);

// Days since 1970-01-01 of the date read in `order`; empty when invalid.
std::optional<int64_t> civil_days(const LocaleDate& d, DateOrder order);

// "M/D/YYYY", "D.M.YYYY", "YYYY-MM-DD", "D/M/YY", ... for this date's separator.
std::string order_name(const LocaleDate& d, DateOrder order);

// A date found in the file, with where and what it was.
struct DateClue {
  LocaleDate date;
  int64_t line = 0;
  std::string what;     // "header", "footer", "Property Date", "Date:"
  int install = -1;     // index of the install (header/footer pairs), -1 when none
};

struct OrderDecision {
  DateOrder order = DateOrder::month_first;
  bool resolved = true;  // false: ambiguous, month first assumed
  std::string basis;     // e.g. "footer 7/13/2020 at line 40" or "file modification time"
};

// Decides the day/month order of a file's year-last dates (see the header).
// mtime_seconds 0 = unknown.
OrderDecision decide_order(const std::vector<DateClue>& clues, int64_t mtime_seconds);

// Milliseconds since midnight of "H:MM:SS", "HH:MM:SS", either followed by
// " AM"/" PM", or "hh:mm:ss:mmm" (the bracketed MSI line time); empty when
// malformed or out of range.
std::optional<int64_t> parse_time_of_day(std::string_view text);

}  // namespace pm::msi
