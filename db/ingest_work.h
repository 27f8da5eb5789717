// Internal to db/ingest*.cpp: the per-file work item and the two parallel
// stages (prepare: head + sniff + sha256; parse: parser -> BatchQueue).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/row_batch.h"
#include "parsers/bundle/bundle.h"
#include "parsers/core/parser.h"

namespace pm::db {

struct WorkItem {
  const BundleEntry* entry = nullptr;
  std::string path;  // path inside the bundle (top-level archive name stripped)
  // prepare stage
  Status prepare_status;
  Head head;
  const Parser* parser = nullptr;
  SniffResult sniff;
  std::string sha256;
  // decisions, made on the writer thread before parsing
  std::optional<int64_t> host_id;
  std::string host_reason;
  ZoneConverter zone;
  bool zone_known = false;
  std::string zone_name, zone_reason;
  std::optional<int> year;                    // --year
  std::optional<int64_t> host_reference_us;   // latest complete time known for the host
  // parse stage
  std::unique_ptr<BatchQueue> queue;
  std::atomic<bool> stop{false};
};

// Reads head, sniffs and hashes every item, on `threads` threads.
void prepare_items(std::vector<WorkItem*>& items, int threads, const std::atomic<bool>* cancel);

// Parses items on `threads` worker threads, in order, each into its own
// bounded queue; `consume` is called on this thread for each item in order
// and must drain its queue. Workers never run more than `threads` items ahead.
void parse_items(std::vector<WorkItem*>& items, int threads, const std::atomic<bool>* cancel,
                 const std::function<void(WorkItem&)>& consume);

}  // namespace pm::db
