// EVTX writer for fixtures: see evtx_writer.h for the layout it produces.
// This file lays out the file header and the 64 KiB chunks (records placed by
// evtx_binxml_encoder.cpp), applies EvtxDamage, and writes the file. Values
// are in evtx_values.cpp, the text description parser in evtx_description.cpp.
#include "support/evtx_writer.h"

#include <array>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "support/evtx_binxml_encoder.h"
#include "support/evtx_encoding.h"

namespace pm::test {
using namespace evtx_detail;
namespace {

constexpr size_t kChunkSize = 65536;
constexpr size_t kFileHeaderSize = 4096;

struct Chunk {
  std::string bytes = std::string(kChunkSize, '\0');
  uint32_t free = 512;
  uint32_t last_record = 0;
  uint64_t first_id = 0, last_id = 0;
  int records = 0;
  ChunkState st;
};

void finish_chunk(Chunk& c) {
  std::string& b = c.bytes;
  std::memcpy(b.data(), "ElfChnk\0", 8);
  set_u64(b, 8, c.first_id);
  set_u64(b, 16, c.last_id);
  set_u64(b, 24, c.first_id);
  set_u64(b, 32, c.last_id);
  set_u32(b, 40, 128);
  set_u32(b, 44, c.last_record);
  set_u32(b, 48, c.free);
  set_u32(b, 52, evtx_crc32(std::string_view(b).substr(512, c.free - 512)));
  set_u32(b, 120, 1);
  for (size_t i = 0; i < 64; ++i) set_u32(b, 128 + 4 * i, c.st.names.buckets[i]);
  for (size_t i = 0; i < 32; ++i) set_u32(b, 384 + 4 * i, c.st.template_buckets[i]);
  std::string h = b.substr(0, 120) + b.substr(128, 384);
  set_u32(b, 124, evtx_crc32(h));
}

void flip_u32(std::string& b, size_t at) { set_u32(b, at, get_u32(b, at) ^ 0xA5A5A5A5u); }

}  // namespace

uint32_t evtx_crc32(std::string_view bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : bytes) crc = table[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

// ------------------------------------------------------------------ file

Result<std::string> build_evtx(const EvtxFileSpec& spec, EvtxWriteInfo* info_out) {
  EvtxWriteInfo info;
  std::vector<Chunk> chunks(1);
  uint64_t next_id = 1;
  for (size_t i = 0; i < spec.records.size(); ++i) {
    const EvtxRecordSpec& r = spec.records[i];
    uint64_t id = r.record_id ? r.record_id : next_id;
    next_id = id + 1;
    auto ticks = evtx_record_filetime(r);
    if (!ticks) return bad("record " + std::to_string(i + 1) + " (id " + std::to_string(id) + ") has no valid time");
    for (int attempt = 0;; ++attempt) {
      Chunk& c = chunks.back();
      ChunkState trial = c.st;
      auto rec = encode_record(r, id, *ticks, spec, c.free, trial);
      if (!rec) return rec.status();
      if (c.free + rec->size() <= kChunkSize) {
        std::memcpy(c.bytes.data() + c.free, rec->data(), rec->size());
        c.last_record = c.free;
        c.free += static_cast<uint32_t>(rec->size());
        if (c.records++ == 0) c.first_id = id;
        c.last_id = id;
        c.st = std::move(trial);
        info.record_ids.push_back(id);
        info.record_chunk.push_back(static_cast<int>(chunks.size()) - 1);
        break;
      }
      if (attempt > 0 || c.records == 0)
        return Status::error(ErrorKind::limit, "record " + std::to_string(id) + " is " + std::to_string(rec->size()) +
                                                   " bytes: larger than a chunk's record space");
      chunks.emplace_back();
    }
  }
  // Slack records: after the free-space offset, outside the tables and the CRC.
  const EvtxDamage& dmg = spec.damage;
  if (!dmg.slack_records.empty()) {
    int ci = dmg.slack_chunk < 0 ? static_cast<int>(chunks.size()) - 1 : dmg.slack_chunk;
    if (ci >= static_cast<int>(chunks.size())) return bad("slack chunk " + std::to_string(ci) + " does not exist");
    Chunk& c = chunks[ci];
    ChunkState st = c.st;
    st.register_new = false;
    uint32_t at = c.free;
    for (const auto& r : dmg.slack_records) {
      uint64_t id = r.record_id ? r.record_id : next_id++;
      auto ticks = evtx_record_filetime(r);
      if (!ticks) return bad("slack record " + std::to_string(id) + " has no valid time");
      auto rec = encode_record(r, id, *ticks, spec, at, st);
      if (!rec) return rec.status();
      if (at + rec->size() > kChunkSize) return Status::error(ErrorKind::limit, "slack records do not fit in the chunk");
      std::memcpy(c.bytes.data() + at, rec->data(), rec->size());
      at += static_cast<uint32_t>(rec->size());
      info.slack_record_ids.push_back(id);
    }
  }
  std::string file(kFileHeaderSize, '\0');
  for (const auto& c : chunks) {
    info.templates_defined += c.st.defined;
    info.template_references += c.st.referenced;
  }
  for (auto& c : chunks) {
    finish_chunk(c);
    file += c.bytes;
  }
  uint16_t count = dmg.header_chunk_count ? *dmg.header_chunk_count : static_cast<uint16_t>(chunks.size());
  std::memcpy(file.data(), "ElfFile\0", 8);
  set_u64(file, 8, 0);
  set_u64(file, 16, count ? count - 1u : 0u);
  uint64_t header_next = next_id;
  if (dmg.header_chunk_count && *dmg.header_chunk_count < chunks.size() && *dmg.header_chunk_count > 0)
    header_next = chunks[*dmg.header_chunk_count - 1].last_id + 1;
  set_u64(file, 24, header_next);
  set_u32(file, 32, 128);
  set_u16(file, 36, 1);
  set_u16(file, 38, 3);
  set_u16(file, 40, static_cast<uint16_t>(kFileHeaderSize));
  set_u16(file, 42, count);
  set_u32(file, 120, dmg.dirty ? 1u : 0u);
  set_u32(file, 124, evtx_crc32(std::string_view(file).substr(0, 120)));
  if (dmg.bad_file_header_crc) flip_u32(file, 124);
  auto chunk_at = [&](int i) -> Result<size_t> {
    if (i < 0 || i >= static_cast<int>(chunks.size())) return bad("damage names chunk " + std::to_string(i) + ", which does not exist");
    return kFileHeaderSize + static_cast<size_t>(i) * kChunkSize;
  };
  for (int i : dmg.bad_chunk_magic) {
    auto at = chunk_at(i);
    if (!at) return at.status();
    file[*at + 6] = 'X';
  }
  for (int i : dmg.bad_chunk_header_crc) {
    auto at = chunk_at(i);
    if (!at) return at.status();
    flip_u32(file, *at + 124);
  }
  for (int i : dmg.bad_chunk_data_crc) {
    auto at = chunk_at(i);
    if (!at) return at.status();
    flip_u32(file, *at + 52);
  }
  if (dmg.truncate_to && *dmg.truncate_to < file.size()) file.resize(*dmg.truncate_to);
  info.chunks = static_cast<int>(chunks.size());
  info.file_size = file.size();
  if (info_out) *info_out = std::move(info);
  return file;
}

Result<EvtxWriteInfo> write_evtx(const std::filesystem::path& path, const EvtxFileSpec& spec) {
  EvtxWriteInfo info;
  auto bytes = build_evtx(spec, &info);
  if (!bytes) return bytes.status();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) return Status::error(ErrorKind::io, "cannot write " + path.string());
  return info;
}

Result<EvtxWriteInfo> write_evtx(const std::filesystem::path& path, std::string_view channel, std::string_view computer,
                                 const std::vector<EvtxRecordSpec>& records, const EvtxDamage& damage,
                                 const EvtxOptions& options) {
  EvtxFileSpec spec;
  spec.channel = std::string(channel);
  spec.computer = std::string(computer);
  spec.records = records;
  spec.damage = damage;
  spec.options = options;
  return write_evtx(path, spec);
}

}  // namespace pm::test
