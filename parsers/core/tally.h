// Tally: counting for one parse, so ParseCounts always reconcile. read() is
// called once per unit; every unit then ends as exactly one of header(),
// stored() or reject(). reject() also hands the unit to the sink's `rejected`
// (raw text clipped to 4 KiB on a character boundary). One parse, one thread.
#pragma once

#include <string>
#include <string_view>

#include "parsers/core/parser.h"

namespace pm {

// At most `max` bytes of s, never cutting a UTF-8 character.
std::string clip_utf8(std::string_view s, size_t max = 4096);

// What a line-at-a-time parser decided about one line.
struct LineVerdict {
  enum Kind { stored, header, rejected } what;
  std::string reason;  // for rejected lines
};

class Tally {
 public:
  explicit Tally(RowSink& sink) : sink_(sink) {}
  // Counts a unit; false when the source was cancelled (polled every 4096 units).
  bool read(const SourceRef& source);
  void header() { ++counts_.header_units; }
  void stored() { ++counts_.rows_stored; }
  void reject(int64_t location, int64_t offset, std::string reason, std::string_view raw);
  void reject(const Line& line, std::string reason) { reject(line.number, line.offset, std::move(reason), line.text); }
  // Counts a line as its verdict says (rejects go to the sink with the reason).
  void record(const Line& line, LineVerdict verdict);
  const ParseCounts& counts() const { return counts_; }

 private:
  RowSink& sink_;
  ParseCounts counts_;
};

}  // namespace pm
