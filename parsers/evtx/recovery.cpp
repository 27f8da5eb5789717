#include "parsers/evtx/recovery.h"

#include <cstring>

#include "parsers/evtx/evtx_file.h"

namespace pm::evtx {
namespace {

inline bool signature_at(const uint8_t* c, size_t at) {
  return c[at] == 0x2A && c[at + 1] == 0x2A && c[at + 2] == 0 && c[at + 3] == 0;
}

// The next offset >= from with a record signature (and room for a header), or n.
size_t next_signature(const uint8_t* c, size_t n, size_t from) {
  while (from + kRecordMinSize <= n) {
    const void* hit = std::memchr(c + from, 0x2A, n - kRecordMinSize + 1 - from);
    if (!hit) return n;
    size_t at = static_cast<size_t>(static_cast<const uint8_t*>(hit) - c);
    if (signature_at(c, at)) return at;
    from = at + 1;
  }
  return n;
}

}  // namespace

bool record_at(const uint8_t* c, size_t n, size_t at) {
  if (at + kRecordMinSize > n || !signature_at(c, at)) return false;
  uint32_t size = rd32(c + at + 4);
  return size >= kRecordMinSize && size <= n - at && rd32(c + at + size - 4) == size;
}

void find_records(const uint8_t* c, size_t n, uint32_t free_space, bool damaged, std::vector<RecordSpan>& out) {
  out.clear();
  if (n < kChunkHeaderSize + kRecordMinSize) return;
  size_t pos = kChunkHeaderSize;
  // The chain.
  while (pos + kRecordMinSize <= n && record_at(c, n, pos)) {
    uint32_t size = rd32(c + pos + 4);
    bool slack = free_space && pos >= free_space;
    out.push_back({static_cast<uint32_t>(pos), size, damaged || slack});
    pos += size;
  }
  size_t from = pos;
  if (pos + kRecordMinSize <= n && signature_at(c, pos)) {
    // A record where one must be, with an implausible size or trailing copy:
    // inside the allocated data it is a damaged record, worth decoding.
    if (!free_space || pos < free_space) out.push_back({static_cast<uint32_t>(pos), 0, true});
    from = pos + 4;
  }
  // Scanning: the rest of the chunk (damaged stretch and slack space).
  for (size_t at = next_signature(c, n, from); at < n; at = next_signature(c, n, from)) {
    // A scanned candidate must also start its BinXml with a fragment header.
    if (record_at(c, n, at) && c[at + 24] == 0x0F) {
      uint32_t size = rd32(c + at + 4);
      out.push_back({static_cast<uint32_t>(at), size, true});
      from = at + size;
    } else {
      from = at + 1;
    }
  }
}

}  // namespace pm::evtx
