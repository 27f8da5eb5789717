// Windows XML Event Log (.evtx), read natively (no libevtx), with recovery.
//
// Sniff: "ElfFile\0" at offset 0 (95), or a headerless fragment starting
// with a chunk, "ElfChnk\0" (70).
// Parse: chunk by chunk (64 KiB at a time: memory does not grow with the
// file), chunks counted from the file size (dirty files, files over 4 GiB),
// CRC failures counted but never fatal, records recovered from damaged
// chunks and slack space (recovery.h) and marked WinEventRow::recovered.
// One unit = one record found: units_read = rows_stored (decoded, one
// win_event each; see evtx_record.h for the fields) + rows_rejected
// (undecodable: location = the record header's id, offset = its file offset,
// reason, raw = hex of its first 512 bytes); header_units = 0.
// When every decoded record names the same Computer, the source claims that
// host (reason "evtx Computer").
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class EvtxParser final : public Parser {
 public:
  std::string_view name() const override { return "evtx"; }
  std::string_view description() const override { return "Windows event log (.evtx), with record recovery"; }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
