// Calendar arithmetic and ISO 8601 formatting on int64 microseconds since the
// Unix epoch (proleptic Gregorian, no leap seconds). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pm {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool valid_civil_date(int y, int m, int d);

// Parses "YYYY-MM-DD" and "HH:MM:SS" (exact widths) into seconds since the
// epoch of that wall-clock reading; empty when malformed or out of range.
std::optional<int64_t> parse_date_time_seconds(std::string_view date, std::string_view time);

// Parses ISO 8601 / RFC 3339 ("2021-06-22T10:19:41Z", "2021-06-22 10:19:41",
// fractions and +hh:mm offsets accepted; no offset = UTC) into microseconds.
std::optional<int64_t> parse_iso8601_us(std::string_view text);

// "2021-06-22T10:19:41.000000Z"
std::string format_iso8601_us(int64_t us);
// "2021-06-22T10:19:41Z" when whole seconds, else with microseconds.
std::string format_iso8601_short(int64_t us);

}  // namespace pm
