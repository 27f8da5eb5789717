#include "parsers/core/time_util.h"

#include <charconv>
#include <cstdio>

namespace pm {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

std::pair<int64_t, int64_t> floor_div(int64_t a, int64_t b) {
  int64_t q = a / b, r = a % b;
  if (r < 0) { --q; r += b; }
  return {q, r};
}

}  // namespace

bool valid_civil_date(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1601 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::optional<int64_t> parse_date_time_seconds(std::string_view date, std::string_view time) {
  int y, mo, d, h, mi, s;
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  if (time.size() != 8 || time[2] != ':' || time[5] != ':') return std::nullopt;
  if (!digits(date, 0, 4, y) || !digits(date, 5, 2, mo) || !digits(date, 8, 2, d)) return std::nullopt;
  if (!digits(time, 0, 2, h) || !digits(time, 3, 2, mi) || !digits(time, 6, 2, s)) return std::nullopt;
  if (!valid_civil_date(y, mo, d) || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + s;
}

std::optional<int64_t> parse_iso8601_us(std::string_view t) {
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  if (t.size() < 10) return std::nullopt;
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (!digits(t, 0, 4, y) || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' || !digits(t, 8, 2, d))
    return std::nullopt;
  if (!valid_civil_date(y, mo, d)) return std::nullopt;
  size_t i = 10;
  int64_t frac_us = 0;
  if (i < t.size() && (t[i] == 'T' || t[i] == ' ')) {
    if (!digits(t, i + 1, 2, h) || i + 3 >= t.size() || t[i + 3] != ':' || !digits(t, i + 4, 2, mi))
      return std::nullopt;
    i += 6;
    if (i < t.size() && t[i] == ':') {
      if (!digits(t, i + 1, 2, s)) return std::nullopt;
      i += 3;
    }
    if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
      ++i;
      int64_t scale = 100000;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
        frac_us += (t[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
    }
  }
  if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  int64_t offset_s = 0;
  if (i < t.size()) {
    if (t[i] == 'Z' || t[i] == 'z') {
      ++i;
    } else if (t[i] == '+' || t[i] == '-') {
      int oh, om = 0;
      if (!digits(t, i + 1, 2, oh)) return std::nullopt;
      size_t j = i + 3;
      if (j < t.size() && t[j] == ':') ++j;
      if (j < t.size() && !digits(t, j, 2, om)) return std::nullopt;
      if (j < t.size()) j += 2;
      offset_s = (oh * 3600 + om * 60) * (t[i] == '-' ? -1 : 1);
      i = j;
    }
  }
  if (i != t.size()) return std::nullopt;
  int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                 h * 3600 + mi * 60 + s - offset_s;
  return secs * kMicrosPerSecond + frac_us;
}

std::string format_iso8601_us(int64_t us) {
  auto [secs, micro] = floor_div(us, kMicrosPerSecond);
  auto [days, sod] = floor_div(secs, 86400);
  // civil_from_days
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[96];  // wide enough for any int64 value: -Wformat-truncation under -Werror
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<long long>(y), m, d,
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60),
                static_cast<long long>(micro));
  return buf;
}

std::string format_iso8601_short(int64_t us) {
  std::string s = format_iso8601_us(us);
  if (us % kMicrosPerSecond == 0) s.erase(19, 7);  // drop ".000000"
  return s;
}

}  // namespace pm
