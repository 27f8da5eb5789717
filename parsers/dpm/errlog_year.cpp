#include "parsers/dpm/errlog_year.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "parsers/core/text.h"
#include "parsers/core/time_util.h"
#include "parsers/dpm/errlog_line.h"

namespace pm::dpm {
namespace {

constexpr int kRolloverDays = 28;
constexpr int kDaysBefore[12] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};  // 366-day calendar
constexpr int64_t kDay = 86400;

int day_of_year(int month, int day) { return kDaysBefore[month - 1] + day - 1; }

// The civil year of a time in seconds since 1970 (Howard Hinnant's algorithm).
int year_of(int64_t seconds) {
  int64_t z = (seconds >= 0 ? seconds : seconds - (kDay - 1)) / kDay + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
std::string month_day(int m, int d) { return two(m) + "/" + two(d); }

// Start of month/day in `year` in seconds, or false (02/29 in a common year).
bool date_seconds(int year, int month, int day, int64_t& out) {
  if (!valid_civil_date(year, month, day)) return false;
  out = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kDay;
  return true;
}

// The latest year in which month/day (00:00 UTC) is not after `limit`.
int latest_not_after(int month, int day, int64_t limit) {
  int y0 = year_of(limit) + 1;
  for (int y = y0; y > y0 - 10; --y) {
    int64_t s;
    if (date_seconds(y, month, day, s) && s <= limit) return y;
  }
  return y0 - 1;
}

// The year that puts month/day closest to `ref`.
int closest_year(int month, int day, int64_t ref) {
  int y0 = year_of(ref), best = y0;
  int64_t best_gap = INT64_MAX;
  for (int y = y0 - 4; y <= y0 + 4; ++y) {
    int64_t s;
    if (!date_seconds(y, month, day, s)) continue;
    int64_t gap = s > ref ? s - ref : ref - s;
    if (gap < best_gap) best_gap = gap, best = y;
  }
  return best;
}

// True when the year the file time gives puts the last record more than
// kCopiedAfterDays after the host's latest dated time: logs collected together
// end together, so such a file time is a copy's (e.g. a git checkout), not the log's.
constexpr int64_t kCopiedAfterDays = 60;
bool mtime_contradicts_host(int month, int day, int64_t mtime, int64_t host_ref) {
  int64_t s;
  if (!date_seconds(latest_not_after(month, day, mtime + kDay), month, day, s)) return false;
  return s > host_ref + kCopiedAfterDays * kDay;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// The first bytes of a raw line as ASCII text (other characters become '?').
size_t ascii_head(const char* p, size_t raw_len, Encoding enc, size_t max_units, char* out) {
  if (enc == Encoding::utf16le || enc == Encoding::utf16be) {
    size_t units = std::min(raw_len / 2, max_units);
    bool le = enc == Encoding::utf16le;
    for (size_t k = 0; k < units; ++k) {
      auto lo = static_cast<unsigned char>(p[2 * k + (le ? 0 : 1)]);
      auto hi = static_cast<unsigned char>(p[2 * k + (le ? 1 : 0)]);
      out[k] = (hi == 0 && lo < 0x80) ? static_cast<char>(lo) : '?';
    }
    if (units == raw_len / 2 && units > 0 && out[units - 1] == '\r') --units;
    return units;
  }
  size_t n = std::min(raw_len, max_units);
  std::memcpy(out, p, n);
  if (n == raw_len && n > 0 && out[n - 1] == '\r') --n;
  return n;
}

}  // namespace

int YearTracker::feed(int month, int day) {
  int doy = day_of_year(month, day);
  if (latest_ < 0) {
    latest_ = doy;
    return offset_;
  }
  int diff = doy - latest_;
  if (diff >= 0) {
    if (366 - diff < kRolloverDays) return offset_ - 1;  // a late line of the previous year
    latest_ = doy;
    return offset_;
  }
  if (-diff < kRolloverDays) return offset_;  // out of order, same year
  ++offset_;
  latest_ = doy;
  return offset_;
}

Result<DateScan> scan_trace_dates(const std::filesystem::path& file, const std::atomic<bool>* cancel) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.string().c_str(), "rb"));
  if (!f) return Status::error(ErrorKind::io, "cannot open " + file.string() + ": " + std::strerror(errno));
  constexpr size_t kChunk = 1 << 20;
  std::vector<char> buf(kChunk);
  size_t begin = 0, end = 0;
  bool eof = false;
  auto fill = [&]() {
    if (begin > 0) {
      std::memmove(buf.data(), buf.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    size_t got = std::fread(buf.data() + end, 1, buf.size() - end, f.get());
    end += got;
    if (got == 0) eof = true;
    return got > 0;
  };
  fill();
  if (std::ferror(f.get())) return Status::error(ErrorKind::io, "cannot read " + file.string());
  EncodingGuess guess = detect_encoding(std::string_view(buf.data(), end));
  const Encoding enc = guess.encoding;
  const bool wide = enc == Encoding::utf16le || enc == Encoding::utf16be;
  const bool le = enc == Encoding::utf16le;
  const size_t unit = wide ? 2 : 1;
  begin = guess.bom_size;

  DateScan scan;
  YearTracker years;
  int64_t line_no = 0;
  bool skipping = false;  // the rest of an over-long line whose start was already read
  char head[512];
  auto take_line = [&](size_t from, size_t to) {
    ++line_no;
    size_t n = ascii_head(buf.data() + from, to - from, enc, 64, head);
    int m = 0, d = 0;
    bool dated = leading_trace_date(std::string_view(head, n), m, d);
    if (!dated && (to - from) / unit > 64) {
      n = ascii_head(buf.data() + from, to - from, enc, sizeof head, head);
      dated = leading_trace_date(std::string_view(head, n), m, d);
    }
    if (!dated) return;
    int offset = years.feed(m, d);
    if (scan.dated_lines++ == 0) {
      scan.first_line = line_no;
      scan.first_month = m;
      scan.first_day = d;
    }
    scan.last_line = line_no;
    scan.last_month = m;
    scan.last_day = d;
    scan.last_offset = offset;
  };
  // Newline at raw index >= from (the line starts at `begin`, a unit boundary), or npos.
  auto find_newline = [&](size_t from) -> size_t {
    const char* base = buf.data();
    for (size_t i = from; i < end;) {
      const void* p = std::memchr(base + i, '\n', end - i);
      if (!p) return std::string::npos;
      size_t at = static_cast<size_t>(static_cast<const char*>(p) - base);
      size_t rel = at - begin;
      if (!wide) return at;
      if (le && rel % 2 == 0 && at + 1 < end && base[at + 1] == 0) return at;
      if (!le && rel % 2 == 1 && base[at - 1] == 0) return at - 1;
      i = at + 1;
    }
    return std::string::npos;
  };
  size_t scan_from = begin;
  for (;;) {
    size_t nl = find_newline(scan_from);
    if (nl != std::string::npos) {
      if (!skipping) take_line(begin, nl);
      skipping = false;
      begin = nl + unit;
      scan_from = begin;
      if (cancel && (line_no & 0xFFF) == 0 && cancel->load(std::memory_order_relaxed))
        return Status::error(ErrorKind::interrupted, "interrupted");
      continue;
    }
    if (eof) {
      if (begin < end && !skipping) take_line(begin, end);
      break;
    }
    size_t pending = end - begin;
    if (pending >= kChunk / 2 && !skipping) {  // a very long line: its start is all we need
      take_line(begin, end);
      skipping = true;
    }
    if (skipping) {  // drop what was scanned, keeping unit alignment
      size_t drop = pending - pending % unit;
      if (wide && drop >= unit) drop -= unit;  // a CR/LF unit may straddle the refill
      begin += drop;
    }
    size_t scanned = (end - begin) & ~(unit - 1);
    fill();
    if (std::ferror(f.get())) return Status::error(ErrorKind::io, "cannot read " + file.string());
    scan_from = begin + (scanned >= unit ? scanned - unit : 0);
  }
  scan.rollovers = years.rollovers();
  return scan;
}

YearChoice choose_year(const DateScan& scan, const SourceRef& source, int64_t now_s) {
  YearChoice c;
  if (scan.dated_lines == 0) {
    c.first_year = source.year.value_or(year_of(now_s));
    c.basis = "no dated records";
    return c;
  }
  const int m = scan.last_month, d = scan.last_day;
  const std::string last =
      "the last dated record (line " + std::to_string(scan.last_line) + ", " + month_day(m, d) + ")";
  int last_year = 0;
  if (source.year) {
    last_year = *source.year;
    c.basis = "--year " + std::to_string(last_year) + " is the year of " + last;
  } else if (source.mtime > 0 && source.host_reference_us &&
             mtime_contradicts_host(m, d, source.mtime, *source.host_reference_us / kMicrosPerSecond)) {
    int64_t ref = *source.host_reference_us / kMicrosPerSecond;
    last_year = closest_year(m, d, ref);
    c.basis = "latest dated time of the same host " + format_iso8601_short(*source.host_reference_us) + ": " + last +
              " is in " + std::to_string(last_year) + ", the year that puts it closest (the file time " +
              format_iso8601_short(source.mtime * kMicrosPerSecond) +
              " would put it long after everything else the host logged: the file was copied)";
  } else if (source.mtime > 0) {
    last_year = latest_not_after(m, d, source.mtime + kDay);
    c.basis = "file time " + format_iso8601_short(source.mtime * kMicrosPerSecond) + ": " + last + " is in " +
              std::to_string(last_year) + ", the latest year that does not put it after the file time + 1 day";
  } else if (source.host_reference_us) {
    int64_t ref = *source.host_reference_us / kMicrosPerSecond;
    last_year = closest_year(m, d, ref);
    c.basis = "latest dated time of the same host " + format_iso8601_short(*source.host_reference_us) + ": " + last +
              " is in " + std::to_string(last_year) + ", the year that puts it closest";
  } else {
    last_year = latest_not_after(m, d, now_s + kDay);
    c.assumed = true;
    c.basis = "year unknown: " + std::to_string(last_year) + " assumed for " + last +
              " (the current UTC year unless that puts it in the future); give --year";
  }
  c.first_year = last_year - scan.last_offset;
  if (scan.rollovers == 0) {
    c.basis += "; no year rollover in the file";
  } else {
    c.basis += "; " + std::to_string(scan.rollovers) + " year rollover" + (scan.rollovers > 1 ? "s" : "") +
               " in the file (a date going back by " + std::to_string(kRolloverDays) +
               " days or more): the first dated record (line " + std::to_string(scan.first_line) + ", " +
               month_day(scan.first_month, scan.first_day) + ") is in " + std::to_string(c.first_year);
  }
  return c;
}

}  // namespace pm::dpm
