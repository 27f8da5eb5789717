// Dumping EVTX files as XML or JSON Lines (the `dump` command's engine).
//
// Contract:
// - Records are written in file order, then chunk order, then record order
//   within a chunk, whatever the number of threads: chunks of all files are
//   decoded in parallel (`threads` workers, 0 = one per core) and written in
//   order by the calling thread.
// - Memory is bounded: at most 2 * threads chunks are in flight; each
//   chunk's rendering is written as soon as the chunks before it are.
// - Undecodable records are not written; they are counted per file. A file
//   that cannot be opened or is not EVTX gets a failed status and the others
//   are still dumped. XML is wrapped in kXmlPrologue/kXmlEpilogue once.
// - Returns an error only when writing to `out` fails or the cancel flag is
//   set (ErrorKind::interrupted); per-file problems are in the report.
#pragma once

#include <atomic>
#include <filesystem>
#include <ostream>
#include <vector>

#include "parsers/core/status.h"
#include "parsers/evtx/evtx_reader.h"

namespace pm::evtx {

enum class DumpFormat { xml, jsonl };

struct DumpOptions {
  DumpFormat format = DumpFormat::jsonl;
  unsigned threads = 0;                       // 0: std::thread::hardware_concurrency()
  const std::atomic<bool>* cancel = nullptr;  // polled between chunks
};

struct DumpFileReport {
  std::filesystem::path file;
  Status status;          // failed: the file could not be read as EVTX
  bool header_crc_ok = true;
  bool dirty = false;
  ChunkStats stats;
};

struct DumpReport {
  std::vector<DumpFileReport> files;
  ChunkStats total;
  uint64_t records_written = 0;
};

Result<DumpReport> dump_evtx(const std::vector<std::filesystem::path>& files, const DumpOptions& options,
                             std::ostream& out);

}  // namespace pm::evtx
