// EVTX container: the 4096-byte file header, 64 KiB chunks, their headers and
// CRC32s. Facts: libyal libevtx "Windows XML Event Log (EVTX)"; all
// little-endian.
//
// Contract:
// - EvtxFile::open() accepts a file that starts with "ElfFile\0" (normal log),
//   "ElfChnk\0" (a headerless fragment: chunks from offset 0), or a damaged
//   file header followed by "ElfChnk\0" at 4096. Anything else is bad_input.
// - The number of chunks comes from the FILE SIZE, never from the header (it
//   is a u16, wrong on dirty files and on files over 4 GiB); a partial last
//   chunk counts. Offsets are 64-bit.
// - CRC failures are reported in the parsed headers, never as errors.
// - An EvtxFile is used by one thread; open one per thread to read in parallel.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "parsers/core/status.h"

namespace pm::evtx {

inline constexpr size_t kFileHeaderSize = 4096;
inline constexpr size_t kChunkSize = 65536;
inline constexpr size_t kChunkHeaderSize = 512;
inline constexpr char kFileMagic[8] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', '\0'};
inline constexpr char kChunkMagic[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'k', '\0'};

inline uint16_t rd16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
inline uint32_t rd32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t rd64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32); `crc` continues a previous result.
uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

struct FileHeader {
  bool present = false;   // false: a headerless fragment (chunks start at 0)
  bool magic_ok = false;  // "ElfFile\0" at 0
  bool crc_ok = false;    // CRC32 of bytes 0..119 matches offset 124
  uint64_t first_chunk = 0, last_chunk = 0, next_record_id = 0;
  uint16_t minor_version = 0, major_version = 0;
  uint16_t chunk_count = 0;  // as stated; see chunk_count() for the real one
  uint32_t flags = 0;
  bool dirty() const { return flags & 1; }
  bool full() const { return flags & 2; }
};

// Parses the first min(n, 4096) bytes of a file.
FileHeader parse_file_header(const uint8_t* data, size_t n);

struct ChunkHeader {
  bool magic_ok = false;       // "ElfChnk\0"
  bool all_zero = false;       // the 512 header bytes are all zero (an unused chunk)
  bool header_crc_ok = false;  // CRC32 of bytes 0..119 and 128..511 matches offset 124
  bool data_crc_ok = false;    // CRC32 of the record data 512..free_space matches offset 52
  uint64_t first_record_number = 0, last_record_number = 0;
  uint64_t first_record_id = 0, last_record_id = 0;
  uint32_t last_record_offset = 0, free_space_offset = 0;
  // The end of the allocated record data when the header is believable
  // (magic and header CRC good, 512 <= free space <= chunk size), else 0.
  uint32_t trusted_free_space(size_t chunk_bytes) const;
};

// Parses a chunk's header; n is the bytes available (< 512: nothing is ok).
ChunkHeader parse_chunk_header(const uint8_t* chunk, size_t n);

class EvtxFile {
 public:
  EvtxFile() = default;
  EvtxFile(const EvtxFile&) = delete;
  EvtxFile& operator=(const EvtxFile&) = delete;
  EvtxFile(EvtxFile&& o) noexcept;
  EvtxFile& operator=(EvtxFile&& o) noexcept;
  ~EvtxFile();

  static Result<EvtxFile> open(const std::filesystem::path& file);

  const FileHeader& header() const { return header_; }
  uint64_t size() const { return size_; }
  uint64_t chunk_base() const { return base_; }  // offset of chunk 0: 4096, or 0 for a fragment
  uint64_t chunk_count() const;                  // from the file size; a partial last chunk counts
  uint64_t chunk_offset(uint64_t index) const { return base_ + index * kChunkSize; }
  // Reads chunk `index` into buf (kChunkSize bytes); returns the bytes read,
  // fewer than kChunkSize only for a partial last chunk.
  Result<size_t> read_chunk(uint64_t index, uint8_t* buf);

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  FileHeader header_;
  uint64_t size_ = 0;
  uint64_t base_ = kFileHeaderSize;
};

}  // namespace pm::evtx
