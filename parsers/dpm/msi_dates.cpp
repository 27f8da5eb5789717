#include "parsers/dpm/msi_dates.h"

#include "parsers/core/net_util.h"
#include "parsers/core/time_util.h"

namespace pm::msi {
namespace {

bool all_digits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

std::optional<int64_t> days_of(int y, int m, int d) {
  if (!valid_civil_date(y, m, d)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string iso_date(int64_t days) { return format_iso8601_us(days * 86400 * kMicrosPerSecond).substr(0, 10); }

}  // namespace

std::optional<LocaleDate> parse_locale_date(std::string_view token) {
  size_t p = token.find_first_of("/.-");
  if (p == std::string_view::npos) return std::nullopt;
  LocaleDate d;
  d.sep = token[p];
  size_t q = token.find(d.sep, p + 1);
  if (q == std::string_view::npos || token.find(d.sep, q + 1) != std::string_view::npos) return std::nullopt;
  std::string_view parts[3] = {token.substr(0, p), token.substr(p + 1, q - p - 1), token.substr(q + 1)};
  for (int i = 0; i < 3; ++i) {
    if (!all_digits(parts[i]) || parts[i].size() > 4) return std::nullopt;
    d.n[i] = static_cast<int>(*parse_int(parts[i]));
  }
  if (parts[0].size() == 4) {  // year first: Y-M-D, Y/M/D
    if (parts[1].size() > 2 || parts[2].size() > 2) return std::nullopt;
  } else if (parts[0].size() > 2 || parts[1].size() > 2 || (parts[2].size() != 4 && parts[2].size() != 2)) {
    return std::nullopt;
  }
  d.two_digit_year = parts[2].size() == 2 && parts[0].size() != 4;
  d.text.assign(token);
  if (!civil_days(d, DateOrder::month_first) && !civil_days(d, DateOrder::day_first) &&
      !civil_days(d, DateOrder::year_first))
    return std::nullopt;
  return d;
}

std::optional<DateOrder> implied_order(const LocaleDate& d) {
  if (d.n[0] > 999) return DateOrder::year_first;
  bool first_big = d.n[0] > 12, second_big = d.n[1] > 12;
  if (first_big && !second_big) return DateOrder::day_first;
  if (second_big && !first_big) return DateOrder::month_first;
  if (first_big || second_big) return std::nullopt;  // no reading is valid
  if (d.sep == '.') return DateOrder::day_first;
  return std::nullopt;
}

std::optional<int64_t> civil_days(const LocaleDate& d, DateOrder order) {
  if (order == DateOrder::year_first) return d.n[0] > 999 ? days_of(d.n[0], d.n[1], d.n[2]) : std::nullopt;
  if (d.n[0] > 999) return std::nullopt;
  int y = d.two_digit_year ? 2000 + d.n[2] : d.n[2];
  return order == DateOrder::month_first ? days_of(y, d.n[0], d.n[1]) : days_of(y, d.n[1], d.n[0]);
}

std::string order_name(const LocaleDate& d, DateOrder order) {
  std::string s(1, d.sep);
  std::string y = d.two_digit_year ? "YY" : "YYYY";
  switch (order) {
    case DateOrder::month_first: return "M" + s + "D" + s + y;
    case DateOrder::day_first: return "D" + s + "M" + s + y;
    case DateOrder::year_first: return "YYYY" + s + "MM" + s + "DD";
  }
  return {};
}

OrderDecision decide_order(const std::vector<DateClue>& clues, int64_t mtime_seconds) {
  // 1. A date whose order is certain (not year first: those say nothing of D/M).
  for (const auto& c : clues) {
    auto o = implied_order(c.date);
    if (o && *o != DateOrder::year_first)
      return {*o, true, c.what + " " + c.date.text + " at line " + std::to_string(c.line)};
  }
  auto both = [](const LocaleDate& d) {
    return civil_days(d, DateOrder::month_first) && civil_days(d, DateOrder::day_first);
  };
  // 2. Header and footer of one install: the footer is 0 or 1 day after the header.
  for (const auto& h : clues) {
    if (h.what != "header" || h.install < 0 || !both(h.date)) continue;
    for (const auto& f : clues) {
      if (f.what != "footer" || f.install != h.install || !both(f.date)) continue;
      auto close = [&](DateOrder o) {
        int64_t diff = *civil_days(f.date, o) - *civil_days(h.date, o);
        return diff >= 0 && diff <= 1;
      };
      bool mf = close(DateOrder::month_first), df = close(DateOrder::day_first);
      if (mf != df)
        return {mf ? DateOrder::month_first : DateOrder::day_first, true,
                "header " + h.date.text + " (line " + std::to_string(h.line) + ") and footer " + f.date.text +
                    " (line " + std::to_string(f.line) + "): at most a day apart only in this order"};
    }
  }
  // 3. The file's modification time against the file's last date.
  const DateClue* last = nullptr;
  for (const auto& c : clues)
    if (both(c.date) && (!last || c.line > last->line)) last = &c;
  if (last && mtime_seconds > 0) {
    int64_t mdays = mtime_seconds >= 0 ? mtime_seconds / 86400 : (mtime_seconds - 86399) / 86400;
    auto near = [&](DateOrder o) {
      int64_t diff = *civil_days(last->date, o) - mdays;
      return diff >= -1 && diff <= 1;
    };
    bool mf = near(DateOrder::month_first), df = near(DateOrder::day_first);
    if (mf != df)
      return {mf ? DateOrder::month_first : DateOrder::day_first, true,
              "file modification time " + iso_date(mdays) + " against " + last->what + " " + last->date.text};
  }
  return {DateOrder::month_first, false, "no date of the file decides the day/month order"};
}

std::optional<int64_t> parse_time_of_day(std::string_view text) {
  bool pm = false, am = false;
  if (text.size() > 3 && (text.ends_with(" PM") || text.ends_with(" pm"))) pm = true;
  if (text.size() > 3 && (text.ends_with(" AM") || text.ends_with(" am"))) am = true;
  if (am || pm) text.remove_suffix(3);
  int64_t f[4] = {0, 0, 0, 0};
  int n = 0;
  size_t start = 0;
  for (;;) {
    size_t c = text.find(':', start);
    std::string_view part = text.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start);
    if (n == 4 || !all_digits(part) || part.size() > 3) return std::nullopt;
    f[n++] = *parse_int(part);
    if (c == std::string_view::npos) break;
    start = c + 1;
  }
  if (n < 3 || f[1] > 59 || f[2] > 59 || f[3] > 999) return std::nullopt;
  if (n == 4 && (am || pm)) return std::nullopt;
  if (am || pm) {
    if (f[0] < 1 || f[0] > 12) return std::nullopt;
    f[0] = f[0] % 12 + (pm ? 12 : 0);
  }
  if (f[0] > 23) return std::nullopt;
  return ((f[0] * 60 + f[1]) * 60 + f[2]) * 1000 + f[3];
}

}  // namespace pm::msi
