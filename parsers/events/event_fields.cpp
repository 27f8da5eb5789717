#include "parsers/events/event_fields.h"

#include <array>
#include <cstdio>

#include "parsers/core/time_util.h"
#include "parsers/events/messages.h"

namespace pm::events {
namespace {

bool digits_only(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<int64_t> to_int(std::string_view s) {
  if (!digits_only(s) || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool equals_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Fraction digits after '.' or ',' -> (ticks of 100 ns); false when not digits.
bool fraction_ticks(std::string_view f, int64_t& ticks) {
  if (f.empty() || f.size() > 9 || !digits_only(f)) return false;
  std::string d(f);
  d.resize(7, '0');
  ticks = *to_int(std::string_view(d).substr(0, 7));
  return true;
}

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> parse_utc_ticks(std::string_view t) {
  t = trim(t);
  if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) t.remove_suffix(1);
  if (t.size() < 19 || (t[10] != 'T' && t[10] != ' ')) return std::nullopt;
  auto secs = parse_date_time_seconds(t.substr(0, 10), t.substr(11, 8));
  if (!secs) return std::nullopt;
  int64_t frac = 0;
  if (t.size() > 19) {
    if (t[19] != '.' || !fraction_ticks(t.substr(20), frac)) return std::nullopt;
  }
  return *secs * 10'000'000 + kFiletimeUnixTicks + frac;
}

int64_t ticks_to_us(int64_t ticks) {
  int64_t t = ticks - kFiletimeUnixTicks;
  return t >= 0 ? t / 10 : -((-t + 9) / 10);
}

Level level_from_number(int64_t level) {
  switch (level) {
    case 1: return Level::critical;
    case 2: return Level::error;
    case 3: return Level::warning;
    case 5: return Level::verbose;
    default: return Level::info;
  }
}

std::optional<int64_t> level_number_from_name(std::string_view name) {
  name = trim(name);
  static const std::array<std::pair<const char*, int64_t>, 16> names = {{
      {"Critical", 1}, {"Error", 2}, {"Warning", 3}, {"Information", 4}, {"Informational", 4}, {"Verbose", 5},
      {"Audit Success", 0}, {"Audit Failure", 0}, {"Kritisch", 1}, {"Fehler", 2}, {"Warnung", 3},
      {"Informationen", 4}, {"Information", 4}, {"Ausf\xc3\xbchrlich", 5}, {"\xc3\x9c" "berwachung erfolgreich", 0},
      {"\xc3\x9c" "berwachung gescheitert", 0},
  }};
  for (const auto& [n, v] : names)
    if (equals_ci(name, n)) return v;
  return std::nullopt;
}

const char* to_string(DateOrder order) {
  switch (order) {
    case DateOrder::mdy: return "M/D/YYYY";
    case DateOrder::dmy: return "D/M/YYYY";
    case DateOrder::ymd: return "YYYY-M-D";
    default: return "unknown";
  }
}

namespace {

struct DateParts {
  std::array<std::string_view, 3> p;
  char sep = 0;
  std::string_view time;  // the rest after the date (time and AM/PM)
};

bool split_date(std::string_view text, DateParts& d) {
  text = trim(text);
  size_t end = text.find_first_of(" T");
  std::string_view date = text.substr(0, end);
  d.time = end == std::string_view::npos ? std::string_view() : trim(text.substr(end + 1));
  size_t a = date.find_first_of("/.-");
  if (a == std::string_view::npos) return false;
  d.sep = date[a];
  size_t b = date.find(d.sep, a + 1);
  if (b == std::string_view::npos) return false;
  d.p = {date.substr(0, a), date.substr(a + 1, b - a - 1), date.substr(b + 1)};
  if (!d.p[2].empty() && d.p[2].back() == '.') d.p[2].remove_suffix(1);  // "24.07.2020."
  for (auto part : d.p)
    if (!digits_only(part) || part.size() > 4) return false;
  return true;
}

}  // namespace

DateOrder guess_date_order(std::string_view text) {
  DateParts d;
  if (!split_date(text, d)) return DateOrder::unknown;
  if (d.p[0].size() == 4) return DateOrder::ymd;
  if (d.sep == '.') return DateOrder::dmy;
  std::string_view t = d.time;
  bool ampm = t.find("AM") != std::string_view::npos || t.find("PM") != std::string_view::npos ||
              t.find("am") != std::string_view::npos || t.find("pm") != std::string_view::npos;
  if (ampm) return DateOrder::mdy;
  int64_t first = *to_int(d.p[0]), second = *to_int(d.p[1]);
  if (first > 12 && second <= 12) return DateOrder::dmy;
  if (second > 12 && first <= 12) return DateOrder::mdy;
  return DateOrder::unknown;
}

std::optional<LocalStamp> parse_local_stamp(std::string_view text, DateOrder order) {
  DateParts d;
  if (!split_date(text, d)) return std::nullopt;
  int64_t y, m, day;
  auto a = *to_int(d.p[0]), b = *to_int(d.p[1]), c = *to_int(d.p[2]);
  if (d.p[0].size() == 4) {
    y = a, m = b, day = c;
  } else if (order == DateOrder::mdy) {
    m = a, day = b, y = c;
  } else if (order == DateOrder::dmy) {
    day = a, m = b, y = c;
  } else {
    return std::nullopt;
  }
  if (d.p[2].size() == 2 && d.p[0].size() != 4) y += 2000;
  if (!valid_civil_date(static_cast<int>(y), static_cast<int>(m), static_cast<int>(day))) return std::nullopt;
  // Time: H:MM[:SS[.fff]] [AM|PM|vorm.|nachm.]
  std::string_view t = d.time;
  bool pm = false, twelve = false;
  for (auto [mark, is_pm] : {std::pair<const char*, bool>{"AM", false}, {"PM", true}, {"am", false}, {"pm", true},
                              {"vorm.", false}, {"nachm.", true}}) {
    std::string_view m_ = mark;
    if (t.size() >= m_.size() && t.substr(t.size() - m_.size()) == m_) {
      twelve = true;
      pm = is_pm;
      t = trim(t.substr(0, t.size() - m_.size()));
      break;
    }
  }
  if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) t.remove_suffix(1);
  int64_t hh = 0, mm = 0, ss = 0, frac = 0;
  std::array<std::string_view, 3> tp{};
  size_t n = 0, pos = 0;
  while (n < 3) {
    size_t colon = t.find(':', pos);
    tp[n++] = t.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (n < 2) return std::nullopt;
  if (n == 3) {
    size_t dot = tp[2].find_first_of(".,");
    if (dot != std::string_view::npos) {
      if (!fraction_ticks(tp[2].substr(dot + 1), frac)) return std::nullopt;
      tp[2] = tp[2].substr(0, dot);
    }
  }
  auto h = to_int(tp[0]), mi = to_int(tp[1]), s = n == 3 ? to_int(tp[2]) : std::optional<int64_t>(0);
  if (!h || !mi || !s || tp[0].size() > 2 || tp[1].size() != 2 || (n == 3 && tp[2].size() != 2)) return std::nullopt;
  hh = *h, mm = *mi, ss = *s;
  if (twelve) {
    if (hh < 1 || hh > 12) return std::nullopt;
    hh = hh % 12 + (pm ? 12 : 0);
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  LocalStamp out;
  out.seconds = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(day)) * 86400 + hh * 3600 + mm * 60 + ss;
  out.micros = frac / 10;
  return out;
}

void set_local_time(const SourceRef& source, const LocalStamp& local, EventRow& ev, WinEventRow& row) {
  LocalToUtc utc = source.zone->to_utc(local.seconds);
  int64_t us = utc.utc_seconds * kMicrosPerSecond + local.micros;
  ev.time_us = us;
  row.filetime = us * 10 + kFiletimeUnixTicks;
  if (!source.zone_known) ev.flags |= event_flags::zone_unknown;
  if (utc.ambiguous) ev.flags |= event_flags::local_ambiguous;
  if (utc.nonexistent) ev.flags |= event_flags::local_nonexistent;
}

void set_utc_time(int64_t ticks, EventRow& ev, WinEventRow& row) {
  row.filetime = ticks;
  ev.time_us = ticks_to_us(ticks);
}

void finish_rows(WinEventRow& row, EventRow& ev, std::string_view message) {
  ev.host = row.computer;
  ev.event_code = std::to_string(row.event_id);
  if (const int64_t* n = std::get_if<int64_t>(&row.level)) ev.level = level_from_number(*n);
  else if (auto n2 = level_number_from_name(row.level_text)) ev.level = level_from_number(*n2);
  else ev.level = Level::info;
  message = trim(message);
  if (message.empty()) {
    ev.message = render_event_message(row);
    return;
  }
  ev.message.clear();
  for (size_t i = 0; i < message.size(); ++i)  // CR LF -> LF (Windows messages)
    if (!(message[i] == '\r' && i + 1 < message.size() && message[i + 1] == '\n')) ev.message.push_back(message[i]);
}

void set_number(Value& v, std::string_view text, bool& ok) {
  text = trim(text);
  if (text.empty()) {
    v = std::monostate{};
    return;
  }
  bool neg = text[0] == '-';
  if (auto n = to_int(neg ? text.substr(1) : text)) {
    v = neg ? -*n : *n;
  } else {
    v = std::string(text);
    ok = false;
  }
}

std::string braced_guid(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.front() == '{') return std::string(text);
  return "{" + std::string(text) + "}";
}

std::string keywords_hex(std::string_view text) {
  text = trim(text);
  uint64_t bits = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    std::string_view h = text.substr(2);
    if (h.empty() || h.size() > 16) return std::string(text);
    for (char c : h) {
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return std::string(text);
      bits = bits * 16 + static_cast<uint64_t>(d);
    }
  } else {
    bool neg = !text.empty() && text[0] == '-';
    std::string_view digits = neg ? text.substr(1) : text;
    if (!digits_only(digits) || digits.size() > 20) return std::string(text);
    for (char c : digits) bits = bits * 10 + static_cast<uint64_t>(c - '0');
    if (neg) bits = 0 - bits;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(bits));
  return buf;
}

}  // namespace pm::events
