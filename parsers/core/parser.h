// The parser contract. Every parser has one shape:
//   sniff(head)           -> score 0..100 and a reason (content, never the name alone)
//   parse(source, sink)   -> streams rows into the sink, returns reconciled counts
// Parsers are stateless singletons registered in parsers/registry.cpp; sniff
// and parse may be called from several threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/sink.h"
#include "parsers/core/status.h"
#include "parsers/core/text.h"
#include "parsers/core/timezone.h"

namespace pm {

struct SniffResult {
  int score = 0;  // 0 = not mine; 100 = certain
  std::string reason;
};

// What a parser gets to read, and the decisions the pipeline already made.
struct SourceRef {
  std::filesystem::path file;   // a regular file on disk (archives are unpacked first)
  std::string display_path;     // path inside the bundle, for messages
  const ZoneConverter* zone = nullptr;  // converts local times; never null
  bool zone_known = false;      // false: UTC assumed, rows flagged zone_unknown
  const std::atomic<bool>* cancel = nullptr;  // set on Ctrl-C; parsers poll it
  int64_t mtime = 0;            // seconds since 1970: archive entry or file modification time (0 = unknown)
  std::optional<int> year;      // --year: completes dates written without a year
  std::optional<int64_t> host_reference_us;  // latest time already known for this host from dated sources
  bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

// Counts always reconcile: units_read = rows_stored + rows_rejected + header_units.
struct ParseCounts {
  int64_t units_read = 0;
  int64_t rows_stored = 0;
  int64_t rows_rejected = 0;
  int64_t header_units = 0;  // headers, comments, blank lines
  std::string unit = "line";
  std::string time_basis;  // how incomplete times were completed (e.g. the year of MM/DD dates); stored in sources
  std::string notes;       // what a reader should know about the file's state (damage, CRCs); stored in sources
  bool reconciles() const { return units_read == rows_stored + rows_rejected + header_units; }
};

enum class Phase {
  host_facts = 0,  // parsed first: they name hosts and zones for the rest
  evidence = 1,
  undated = 2,     // parsed last: dates without a year, anchored on the host's dated sources
};

class Parser {
 public:
  virtual ~Parser() = default;
  virtual std::string_view name() const = 0;         // stored in sources.format
  virtual std::string_view description() const = 0;  // one line for `formats` listings
  virtual Phase phase() const { return Phase::evidence; }
  // True when the format writes wall-clock local times (converted with the
  // source's zone); false for UTC-native or untimed formats.
  virtual bool local_times() const { return false; }
  virtual SniffResult sniff(const Head& head) const = 0;
  virtual Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const = 0;
};

}  // namespace pm
