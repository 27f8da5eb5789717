// BinXml encoding of one EVTX record for the EVTX writer (evtx_writer.cpp);
// internal, not part of the evtx_writer.h API. The record layout (System
// template, substitution indexes, nested or flat EventData/UserData) is the
// one described in evtx_writer.h.
//
// Contract: encode_record returns the complete record (2a2a0000 header,
// record id, FILETIME `ticks`, BinXml template instance, size copy, padded to
// 8 bytes) as it must sit at chunk offset `base`. Names and templates already
// in `st` are back-referenced; new ones are defined inline and, when
// st.register_new, entered into st's tables and hash buckets (which
// finish the chunk header). `st` is updated even when the caller then drops
// the record, so callers that may drop it pass a copy. Value text that does
// not parse (a bad GUID or SID) -> ErrorKind::bad_input naming the record.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "support/evtx_writer.h"

namespace pm::test::evtx_detail {

struct NameTable {
  std::map<std::u16string, uint32_t> offsets;  // name -> chunk offset of its string struct
  std::array<uint32_t, 64> buckets{};
};

struct TemplateEntry {
  uint32_t offset = 0;  // chunk offset of the definition
  std::string guid;     // 16 bytes
};

struct ChunkState {
  NameTable names;
  std::map<std::string, TemplateEntry> templates;  // shape key -> definition
  std::array<uint32_t, 32> template_buckets{};
  bool register_new = true;  // false for slack records: their inline definitions stay unlisted
  int defined = 0, referenced = 0;
};

// Encodes one record (header, BinXml, size copy, 8-byte padding) at chunk offset `base`.
Result<std::string> encode_record(const EvtxRecordSpec& r, uint64_t record_id, int64_t ticks, const EvtxFileSpec& file,
                                  uint32_t base, ChunkState& st);

}  // namespace pm::test::evtx_detail
