// Reading one EVTX chunk: header and CRC checks (counted, never fatal),
// record discovery with recovery (recovery.h), BinXml decoding (binxml.h),
// and a callback per record.
//
// Contract:
// - Every record find_records() returns is reported exactly once: decoded to
//   visitor.record(), or to visitor.undecodable() with the reason.
// - A record decoded only partially (Document::damage(), binxml.h) counts as
//   decoded when its <System> got as far as EventID (partial, in stats), else
//   as undecodable.
// - An all-zero chunk is an unused chunk (empty_chunks) unless records are
//   found in it; a chunk without "ElfChnk" is scanned from offset 512 and its
//   records are recovered.
// - One ChunkDecoder per thread; memory is bounded by one chunk's names,
//   templates and the largest record's tree, reused from chunk to chunk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/evtx/binxml.h"
#include "parsers/evtx/evtx_record.h"
#include "parsers/evtx/recovery.h"

namespace pm::evtx {

struct ChunkStats {
  uint64_t chunks = 0;             // chunks read
  uint64_t empty_chunks = 0;       // unused (all-zero) chunks
  uint64_t bad_magic = 0;          // chunks without "ElfChnk" (scanned for records)
  uint64_t header_crc_errors = 0;  // chunk header CRC32 mismatches
  uint64_t data_crc_errors = 0;    // record data CRC32 mismatches (or no trusted free-space offset)
  uint64_t records = 0;            // records found, including recovered and undecodable ones
  uint64_t recovered = 0;          // of which found by scanning, in slack space or a damaged chunk
  uint64_t undecodable = 0;        // of which could not be decoded
  uint64_t partial = 0;            // of which were decoded only up to damage in their template
  void add(const ChunkStats& o);
};

class RecordVisitor {
 public:
  virtual ~RecordVisitor() = default;
  // A decoded record; doc and fields are valid during the call. false stops.
  virtual bool record(const RecordMeta& meta, const Document& doc, const EventFields& fields) = 0;
  // A record that could not be decoded: why, and its first bytes. false stops.
  virtual bool undecodable(const RecordMeta& meta, std::string_view reason, const uint8_t* raw, size_t size) = 0;
};

class ChunkDecoder {
 public:
  // Decodes the records of one chunk: n bytes (kChunkSize, less for a
  // partial last chunk) read from file offset chunk_offset. Returns false
  // when the visitor asked to stop.
  bool decode(const uint8_t* chunk, size_t n, uint64_t chunk_offset, RecordVisitor& visitor, ChunkStats& stats);

 private:
  BinXmlDecoder binxml_;
  Document doc_;
  EventFields fields_;
  std::vector<RecordSpan> spans_;
  std::string error_;
};

}  // namespace pm::evtx
