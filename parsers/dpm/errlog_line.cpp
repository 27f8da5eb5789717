#include "parsers/dpm/errlog_line.h"

#include <array>

namespace pm::dpm {
namespace {

constexpr size_t kMaxPrefix = 400;  // findstr prefix (a path): searched in the first bytes only

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

size_t run(std::string_view s, size_t i, bool (*pred)(char)) {
  size_t n = 0;
  while (i + n < s.size() && pred(s[i + n])) ++n;
  return n;
}

int two_digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i])) return false;
  return true;
}

constexpr std::array<std::string_view, 9> kLevels = {"NORMAL",   "WARNING", "ERROR", "FATAL",  "CRITICAL",
                                                     "ACTIVITY", "INFO",    "PERF",  "VERBOSE"};

bool is_known_level(std::string_view w) {
  for (auto l : kLevels)
    if (iequals(w, l)) return true;
  return false;
}

// The trace start at s[0]: pid, tid, date and time with their separators.
// Fills the four fields, `tabs`, and returns the index after the time; 0 when
// the shape does not match. Values are not checked here.
size_t match_start(std::string_view s, TraceLine& t) {
  size_t i = 0;
  bool tabs = false;
  auto field = [&](size_t n, std::string_view& out) {
    out = s.substr(i, n);
    i += n;
  };
  auto separator = [&](bool first) {
    if (i >= s.size()) return false;
    if (first) tabs = s[i] == '\t';
    if (tabs) {
      if (s[i] != '\t') return false;
      ++i;
      return true;
    }
    size_t n = run(s, i, [](char c) { return c == ' '; });
    i += n;
    return n > 0;
  };
  size_t n = run(s, i, is_hex);
  if (n < 1 || n > 8) return 0;
  field(n, t.pid);
  if (!separator(true)) return 0;
  n = run(s, i, is_hex);
  if (n < 1 || n > 8) return 0;
  field(n, t.tid);
  if (!separator(false)) return 0;
  size_t d1 = run(s, i, is_digit);
  if (d1 < 1 || d1 > 2 || i + d1 >= s.size() || s[i + d1] != '/') return 0;
  size_t d2 = run(s, i + d1 + 1, is_digit);
  if (d2 < 1 || d2 > 2) return 0;
  field(d1 + 1 + d2, t.date);
  if (!separator(false)) return 0;
  size_t start = i;
  size_t h = run(s, i, is_digit);
  if (h < 1 || h > 2) return 0;
  i += h;
  for (int k = 0; k < 2; ++k) {
    if (i >= s.size() || s[i] != ':' || run(s, i + 1, is_digit) != 2) return 0;
    i += 3;
  }
  if (i < s.size() && s[i] == '.') {
    size_t f = run(s, i + 1, is_digit);
    if (f < 1 || f > 7) return 0;
    i += 1 + f;
  }
  if (i < s.size() && s[i] != '\t' && s[i] != ' ') return 0;
  t.time = s.substr(start, i - start);
  t.tabs = tabs;
  return i;
}

// Month/day and time of day from the matched fields.
void read_values(TraceLine& t) {
  size_t slash = t.date.find('/');
  t.month = two_digits(t.date.substr(0, slash));
  t.day = two_digits(t.date.substr(slash + 1));
  t.dated = t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31;
  std::string_view tm = t.time;
  size_t c1 = tm.find(':');
  int hh = two_digits(tm.substr(0, c1));
  int mm = two_digits(tm.substr(c1 + 1, 2));
  int ss = two_digits(tm.substr(c1 + 4, 2));
  int64_t frac = 0;
  if (size_t dot = tm.find('.'); dot != std::string_view::npos) {
    std::string_view f = tm.substr(dot + 1);
    int64_t scale = 1000000;
    for (char c : f) {
      scale /= 10;
      frac += (c - '0') * scale;  // digits beyond microseconds add 0
    }
  }
  t.time_of_day_us = (hh <= 23 && mm <= 59 && ss <= 59) ? ((hh * 60 + mm) * 60 + ss) * int64_t{1000000} + frac : -1;
}

// Finds the trace start: at the line start (after spaces), or after a
// findstr prefix. Returns the index after the time (0 = none).
size_t find_start(std::string_view line, TraceLine& t) {
  size_t lead = run(line, 0, [](char c) { return c == ' '; });
  if (size_t end = match_start(line.substr(lead), t)) return lead + end;
  size_t limit = std::min(line.size(), kMaxPrefix);
  for (size_t p = line.find(':'); p != std::string_view::npos && p < limit; p = line.find(':', p + 1)) {
    size_t at = p + 1;
    size_t digits = run(line, at, is_digit);  // findstr /N: FILE:123:line
    for (size_t cand :
         {at, digits > 0 && at + digits < line.size() && line[at + digits] == ':' ? at + digits + 1 : 0}) {
      if (cand == 0) continue;
      size_t sp = run(line, cand, [](char c) { return c == ' '; });
      if (size_t end = match_start(line.substr(cand + sp), t)) {
        t.prefix = line.substr(0, p);
        return cand + sp + end;
      }
    }
  }
  return 0;
}

std::string_view strip_brackets(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

// "agentbootstrapper.cpp(123)" -> file and line; line -1 without "(digits)".
void split_source(TraceLine& t) {
  std::string_view s = t.source;
  t.code_file = s;
  t.code_line = -1;
  if (s.size() < 3 || s.back() != ')') return;
  size_t open = s.rfind('(');
  if (open == std::string_view::npos || open + 2 > s.size() - 1) return;
  std::string_view digits = s.substr(open + 1, s.size() - open - 2);
  if (digits.size() > 9 || run(digits, 0, is_digit) != digits.size()) return;
  int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  t.code_file = s.substr(0, open);
  t.code_line = v;
}

bool is_tag(std::string_view s) { return !s.empty() && s.size() <= 4 && run(s, 0, is_hex) == s.size(); }

bool is_word(std::string_view s) { return !s.empty() && run(s, 0, is_alpha) == s.size(); }

bool is_guid_like(std::string_view s) {
  if (s.find('-') == std::string_view::npos) return false;
  for (char c : s)
    if (!is_hex(c) && c != '-' && c != '.' && c != '{' && c != '}') return false;
  return true;
}

TraceMatch malformed(std::string& reason, std::string text) {
  reason = std::move(text);
  return TraceMatch::malformed;
}

TraceMatch split_tabs(std::string_view rest, TraceLine& t, std::string& reason) {
  // rest starts at the tab after the time.
  std::array<std::string_view, 5> f{};
  size_t i = 0;
  for (size_t k = 0; k < f.size(); ++k) {
    if (i >= rest.size() || rest[i] != '\t') {
      size_t fields = 4 + k;
      return malformed(reason, "found " + std::to_string(fields) + " tab-separated fields, expected 10");
    }
    ++i;
    size_t end = rest.find('\t', i);
    if (end == std::string_view::npos) {
      return malformed(reason, "found " + std::to_string(5 + k) + " tab-separated fields, expected 10");
    }
    f[k] = rest.substr(i, end - i);
    i = end;
  }
  t.tag = f[0];
  t.source = f[1];
  t.object = strip_brackets(f[2]);
  t.guid = f[3];
  t.level = f[4];
  t.message = rest.substr(i + 1);
  if (!is_tag(t.tag)) return malformed(reason, "field 5 '" + std::string(t.tag) + "' is not a hexadecimal tag");
  if (t.source.empty()) return malformed(reason, "field 6 (source file and line) is empty");
  if (!is_word(t.level)) return malformed(reason, "field 9 '" + std::string(t.level) + "' is not a trace level");
  split_source(t);
  return TraceMatch::trace;
}

TraceMatch split_spaces(std::string_view rest, TraceLine& t, std::string& reason) {
  size_t i = 0;
  auto next_token = [&]() -> std::string_view {
    i += run(rest, i, [](char c) { return c == ' ' || c == '\t'; });
    size_t n = run(rest, i, [](char c) { return c != ' ' && c != '\t'; });
    std::string_view tok = rest.substr(i, n);
    i += n;
    return tok;
  };
  t.tag = next_token();
  if (!is_tag(t.tag))
    return malformed(reason, "the field after the time '" + std::string(t.tag) + "' is not a hexadecimal tag");
  t.source = next_token();
  split_source(t);
  if (t.code_line < 0)
    return malformed(reason, "no source(line) after the tag (found '" + std::string(t.source) + "')");
  for (int k = 0; k < 3; ++k) {
    std::string_view tok = next_token();
    if (is_known_level(tok)) {
      t.level = tok;
      i += run(rest, i, [](char c) { return c == ' ' || c == '\t'; });
      t.message = rest.substr(i);
      return TraceMatch::trace;
    }
    if (k < 2 && tok.size() >= 2 && tok.front() == '[' && tok.back() == ']' && t.object.empty() && t.guid.empty()) {
      t.object = strip_brackets(tok);
    } else if (k < 2 && is_guid_like(tok) && t.guid.empty()) {
      t.guid = tok;
    } else {
      break;
    }
  }
  return malformed(reason, "no trace level (NORMAL, WARNING, ERROR, ...) after the source(line)");
}

}  // namespace

TraceMatch split_trace_line(std::string_view line, TraceLine& t, std::string& reason) {
  t = TraceLine{};
  size_t end = find_start(line, t);
  if (end == 0) return TraceMatch::other;
  read_values(t);
  if (!t.dated) return malformed(reason, "date '" + std::string(t.date) + "' is not MM/DD");
  if (t.time_of_day_us < 0) return malformed(reason, "time '" + std::string(t.time) + "' is out of range");
  std::string_view rest = line.substr(end);
  return t.tabs ? split_tabs(rest, t, reason) : split_spaces(rest, t, reason);
}

bool leading_trace_date(std::string_view head, int& month, int& day) {
  TraceLine t;
  if (find_start(head, t) == 0) return false;
  read_values(t);
  month = t.month;
  day = t.day;
  return t.dated;
}

Level level_from_trace(std::string_view level) {
  if (iequals(level, "NORMAL")) return Level::info;
  if (iequals(level, "WARNING")) return Level::warning;
  if (iequals(level, "ERROR")) return Level::error;
  if (iequals(level, "FATAL") || iequals(level, "CRITICAL")) return Level::critical;
  return Level::info;
}

}  // namespace pm::dpm
