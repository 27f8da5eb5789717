// Ingest: bundle -> sniff -> parse -> case database. Walks every PATH (files,
// folders, archives), decides each file's format by content, its host and its
// time zone (rules in db/host_attribution.h), skips content already in the
// case (same sha256 for the same host), and stores each source in one
// transaction, so an interrupted ingest never leaves half a source. Parsing
// runs on worker threads while this thread writes. Never prints: progress and
// results go to the caller through the callback and the report.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/case_db.h"
#include "parsers/bundle/bundle.h"
#include "parsers/core/parser.h"

namespace pm::db {

struct IngestOptions {
  std::vector<std::filesystem::path> paths;
  std::string host;  // --host: every source belongs to this host
  std::string tz;    // --tz: zone for every local-time source (IANA, Windows id or display name)
  std::optional<int> year;  // --year: the year of dates written without one (DPM trace logs)
  BundleLimits limits;
  int parse_threads = 0;  // 0: one less than the hardware threads, at least 1
  const std::atomic<bool>* cancel = nullptr;
};

struct SourceOutcome {
  int64_t source_id = 0;  // 0 when nothing was written (already in the case)
  std::string path;       // inside the bundle
  std::string bundle;
  std::string status;     // ingested, skipped, failed, duplicate, archive, refused, already-ingested
  std::string reason;     // why skipped/failed/...; for failures it names file:line where known
  std::string format, host, time_zone;
  bool zone_assumed = false;
  ParseCounts counts;
};

struct IngestProgress {
  size_t files_done = 0, files_total = 0;
  uint64_t bytes_done = 0, bytes_total = 0;
  std::string current;  // path inside the bundle being written
};

struct IngestReport {
  std::vector<SourceOutcome> sources;
  int ingested = 0, skipped = 0, failed = 0, already = 0, duplicates = 0, refused = 0;
  int64_t rows_stored = 0, rows_rejected = 0;
  double seconds_total = 0, seconds_indexing = 0;  // wall clock, for --verbose and bench/
};

// Runs the whole ingest. Fails (without a partial source) on a missing PATH,
// a bad --tz, a case that cannot be written, or Ctrl-C (ErrorKind::interrupted,
// with the sources already committed kept).
Result<IngestReport> ingest(CaseDb& db, const IngestOptions& options,
                            const std::function<void(const IngestProgress&)>& progress = {});

}  // namespace pm::db
