// Finding the records of one chunk, including those a normal reader misses.
//
// Contract (find_records):
// - The chain: records are followed from offset 512, each a signature
//   `2a 2a 00 00`, a size (>= 28, inside the chunk) and the same size again
//   in its last 4 bytes.
// - A record whose signature is right but whose size is implausible or whose
//   trailing copy differs ("size mismatch", e.g. an inflated size hiding the
//   records behind it) is still returned, with size 0 (decode it up to its
//   end of stream), recovered; the search then continues by scanning.
// - Where the chain breaks, and in the slack space after it, the rest of the
//   chunk is scanned for signatures; a candidate counts only with a plausible
//   size, a matching trailing copy and a BinXml fragment header (0x0F) after
//   its 24-byte header, and is returned recovered. Scanning
//   resumes after each candidate, so records never overlap and every step
//   advances: the work is linear in the chunk size.
// - Records at or after the trusted free-space offset, and every record of a
//   chunk whose header is not trusted as a chunk (bad magic), are recovered.
// Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pm::evtx {

inline constexpr uint32_t kRecordMinSize = 28;  // header 24 + trailing size 4

struct RecordSpan {
  uint32_t offset = 0;     // chunk offset of the signature
  uint32_t size = 0;       // 0: size field not trustworthy (decode up to end of stream)
  bool recovered = false;  // found by scanning, in slack space or in a damaged chunk
};

// free_space: the trusted end of allocated data (0 when the header is not
// trusted); damaged: the chunk's magic is wrong.
void find_records(const uint8_t* chunk, size_t n, uint32_t free_space, bool damaged, std::vector<RecordSpan>& out);

// True when a valid record (signature, size, trailing copy) starts at `at`.
bool record_at(const uint8_t* chunk, size_t n, size_t at);

}  // namespace pm::evtx
