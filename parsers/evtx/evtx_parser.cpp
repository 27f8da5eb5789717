#include "parsers/evtx/evtx_parser.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/tally.h"
#include "parsers/evtx/evtx_file.h"
#include "parsers/evtx/evtx_reader.h"
#include "parsers/evtx/values.h"

namespace pm {
namespace {

class ParseVisitor final : public evtx::RecordVisitor {
 public:
  ParseVisitor(const SourceRef& source, RowSink& sink) : source_(source), sink_(sink), tally_(sink) {}

  bool record(const evtx::RecordMeta& meta, const evtx::Document& doc, const evtx::EventFields& fields) override {
    if (!tally_.read(source_)) return stopped();
    evtx::fill_rows(doc, fields, meta, row_, event_);
    sink_.win_event(event_, row_);
    tally_.stored();
    if (!row_.computer.empty()) {
      if (computer_.empty()) computer_ = row_.computer;
      else if (computer_ != row_.computer) several_computers_ = true;
    }
    return true;
  }

  bool undecodable(const evtx::RecordMeta& meta, std::string_view reason, const uint8_t* raw,
                   size_t size) override {
    if (!tally_.read(source_)) return stopped();
    std::string hex;
    evtx::append_hex(hex, raw, std::min<size_t>(size, 512));
    tally_.reject(static_cast<int64_t>(meta.record_id), static_cast<int64_t>(meta.offset),
                  std::string(meta.recovered ? "undecodable recovered record: " : "undecodable record: ") +
                      std::string(reason),
                  hex);
    return true;
  }

  bool cancelled() const { return cancelled_; }
  void finish() {
    if (!computer_.empty() && !several_computers_) sink_.claim_host(computer_, "evtx Computer");
  }
  const ParseCounts& counts() const { return tally_.counts(); }

 private:
  bool stopped() {
    cancelled_ = true;
    return false;
  }

  const SourceRef& source_;
  RowSink& sink_;
  Tally tally_;
  WinEventRow row_;
  EventRow event_;
  std::string computer_;
  bool several_computers_ = false;
  bool cancelled_ = false;
};

Status interrupted() { return Status::error(ErrorKind::interrupted, "interrupted"); }

// The file's state for sources.notes: only what is not clean, e.g.
// "dirty flag set; 2 chunk data CRC mismatches; 25 records recovered by scanning".
std::string describe_damage(const evtx::FileHeader& header, const evtx::ChunkStats& st) {
  std::string out;
  auto add = [&](uint64_t n, const char* what) {
    if (n == 0) return;
    if (!out.empty()) out += "; ";
    out += std::to_string(n) + " " + what;
  };
  if (header.dirty()) out = "dirty flag set (the log was not closed cleanly)";
  if (!header.present) out += std::string(out.empty() ? "" : "; ") + "no file header (a chunk fragment)";
  else if (!header.crc_ok) out += std::string(out.empty() ? "" : "; ") + "file header CRC mismatch";
  add(st.bad_magic, "chunks without the ElfChnk signature (scanned for records)");
  add(st.header_crc_errors, "chunk header CRC mismatches");
  add(st.data_crc_errors, "chunk data CRC mismatches");
  add(st.recovered, "records recovered by scanning slack or damaged space");
  add(st.partial, "records decoded only partially (damaged template)");
  add(st.undecodable, "undecodable records (rejected)");
  return out;
}

}  // namespace

SniffResult EvtxParser::sniff(const Head& head) const {
  std::string_view raw = head.raw;
  if (raw.size() >= 8 && raw.substr(0, 8) == std::string_view(evtx::kFileMagic, 8))
    return {95, "EVTX file header signature 'ElfFile'"};
  if (raw.size() >= 8 && raw.substr(0, 8) == std::string_view(evtx::kChunkMagic, 8))
    return {70, "EVTX chunk signature 'ElfChnk' at offset 0 (a log fragment without file header)"};
  return {0, "no EVTX signature"};
}

Result<ParseCounts> EvtxParser::parse(const SourceRef& source, RowSink& sink) const {
  auto file = evtx::EvtxFile::open(source.file);
  if (!file) return file.status();
  ParseVisitor visitor(source, sink);
  evtx::ChunkDecoder decoder;
  evtx::ChunkStats stats;
  std::vector<uint8_t> buf(evtx::kChunkSize);
  std::optional<uint64_t> cut_chunk_bytes;  // the last chunk is short: the file was cut
  for (uint64_t c = 0; c < file->chunk_count(); ++c) {
    if (source.cancelled()) return interrupted();
    auto n = file->read_chunk(c, buf.data());
    if (!n) return n.status();
    if (n.value() < evtx::kChunkSize) cut_chunk_bytes = n.value();
    if (!decoder.decode(buf.data(), n.value(), file->chunk_offset(c), visitor, stats) && visitor.cancelled())
      return interrupted();
  }
  visitor.finish();
  ParseCounts counts = visitor.counts();
  counts.unit = "record";
  counts.notes = describe_damage(file->header(), stats);
  // A cut file is damage too, even when every record before the cut is whole
  // (records past it are lost without a trace otherwise).
  if (cut_chunk_bytes)
    counts.notes += (counts.notes.empty() ? "" : "; ") + std::string("file truncated: the last chunk has ") +
                    std::to_string(*cut_chunk_bytes) + " of " + std::to_string(evtx::kChunkSize) + " bytes";
  return counts;
}

}  // namespace pm
