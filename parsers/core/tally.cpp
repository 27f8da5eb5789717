#include "parsers/core/tally.h"

namespace pm {

std::string clip_utf8(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

bool Tally::read(const SourceRef& source) {
  ++counts_.units_read;
  return (counts_.units_read & 0xFFF) != 0 || !source.cancelled();
}

void Tally::reject(int64_t location, int64_t offset, std::string reason, std::string_view raw) {
  ++counts_.rows_rejected;
  sink_.rejected({location, offset, std::move(reason), clip_utf8(raw)});
}

void Tally::record(const Line& line, LineVerdict verdict) {
  switch (verdict.what) {
    case LineVerdict::stored: stored(); break;
    case LineVerdict::header: header(); break;
    case LineVerdict::rejected: reject(line, std::move(verdict.reason)); break;
  }
}

}  // namespace pm
