#include "parsers/evtx/evtx_reader.h"

#include <algorithm>

#include "parsers/evtx/evtx_file.h"

namespace pm::evtx {

void ChunkStats::add(const ChunkStats& o) {
  chunks += o.chunks;
  empty_chunks += o.empty_chunks;
  bad_magic += o.bad_magic;
  header_crc_errors += o.header_crc_errors;
  data_crc_errors += o.data_crc_errors;
  records += o.records;
  recovered += o.recovered;
  undecodable += o.undecodable;
  partial += o.partial;
}

bool ChunkDecoder::decode(const uint8_t* chunk, size_t n, uint64_t chunk_offset, RecordVisitor& visitor,
                          ChunkStats& stats) {
  ++stats.chunks;
  ChunkHeader h = parse_chunk_header(chunk, n);
  if (h.magic_ok) {
    if (!h.header_crc_ok) ++stats.header_crc_errors;
    if (!h.data_crc_ok) ++stats.data_crc_errors;
  }
  find_records(chunk, n, h.trusted_free_space(n), !h.magic_ok, spans_);
  if (!h.magic_ok) {
    if (h.all_zero && spans_.empty()) ++stats.empty_chunks;
    else ++stats.bad_magic;
  }
  if (spans_.empty()) return true;
  binxml_.reset(chunk, n);
  for (const RecordSpan& s : spans_) {
    RecordMeta meta;
    meta.offset = chunk_offset + s.offset;
    meta.record_id = rd64(chunk + s.offset + 8);
    meta.written = rd64(chunk + s.offset + 16);
    meta.recovered = s.recovered;
    ++stats.records;
    if (s.recovered) ++stats.recovered;
    uint32_t end = s.size ? s.offset + s.size - 4 : static_cast<uint32_t>(n);
    bool ok = binxml_.decode(s.offset + 24, end, doc_, error_);
    if (ok) {
      locate_fields(doc_, fields_);
      if (!doc_.damage().empty() && fields_.node[kEventId] < 0) {  // too little left to be an event
        ok = false;
        error_ = doc_.damage();
      }
    }
    if (ok) {
      if (!doc_.damage().empty()) ++stats.partial;
      if (!visitor.record(meta, doc_, fields_)) return false;
    } else {
      ++stats.undecodable;
      size_t raw = std::min<size_t>(s.size ? s.size : n - s.offset, 1024);
      if (!visitor.undecodable(meta, error_, chunk + s.offset, raw)) return false;
    }
  }
  return true;
}

}  // namespace pm::evtx
