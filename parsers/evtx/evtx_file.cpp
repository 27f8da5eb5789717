#include "parsers/evtx/evtx_file.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

namespace pm::evtx {
namespace {

// Slice-by-8 tables for the reflected polynomial 0xEDB88320.
struct CrcTables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  CrcTables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  }
};

const CrcTables& crc_tables() {
  static const CrcTables tables;
  return tables;
}

int seek64(std::FILE* f, uint64_t offset) {
#ifdef _WIN32
  return _fseeki64(f, static_cast<__int64>(offset), SEEK_SET);
#else
  return fseeko(f, static_cast<off_t>(offset), SEEK_SET);
#endif
}

}  // namespace

uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc) {
  const auto& t = crc_tables().t;
  crc = ~crc;
  while (n >= 8) {
    uint32_t lo = rd32(p) ^ crc, hi = rd32(p + 4);
    crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
          t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) crc = t[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

FileHeader parse_file_header(const uint8_t* d, size_t n) {
  FileHeader h;
  h.present = true;
  if (n < 128) return h;
  h.magic_ok = std::memcmp(d, kFileMagic, 8) == 0;
  h.first_chunk = rd64(d + 8);
  h.last_chunk = rd64(d + 16);
  h.next_record_id = rd64(d + 24);
  h.minor_version = rd16(d + 36);
  h.major_version = rd16(d + 38);
  h.chunk_count = rd16(d + 42);
  h.flags = rd32(d + 120);
  h.crc_ok = crc32(d, 120) == rd32(d + 124);
  return h;
}

ChunkHeader parse_chunk_header(const uint8_t* c, size_t n) {
  ChunkHeader h;
  if (n < kChunkHeaderSize) return h;
  h.magic_ok = std::memcmp(c, kChunkMagic, 8) == 0;
  h.all_zero = true;
  for (size_t i = 0; i < kChunkHeaderSize && h.all_zero; i += 8) h.all_zero = rd64(c + i) == 0;
  h.first_record_number = rd64(c + 8);
  h.last_record_number = rd64(c + 16);
  h.first_record_id = rd64(c + 24);
  h.last_record_id = rd64(c + 32);
  h.last_record_offset = rd32(c + 44);
  h.free_space_offset = rd32(c + 48);
  h.header_crc_ok = crc32(c + 128, 384, crc32(c, 120)) == rd32(c + 124);
  if (h.free_space_offset >= kChunkHeaderSize && h.free_space_offset <= n)
    h.data_crc_ok = crc32(c + kChunkHeaderSize, h.free_space_offset - kChunkHeaderSize) == rd32(c + 52);
  return h;
}

uint32_t ChunkHeader::trusted_free_space(size_t chunk_bytes) const {
  if (!magic_ok || !header_crc_ok) return 0;
  if (free_space_offset < kChunkHeaderSize || free_space_offset > chunk_bytes) return 0;
  return free_space_offset;
}

EvtxFile::EvtxFile(EvtxFile&& o) noexcept { *this = std::move(o); }

EvtxFile& EvtxFile::operator=(EvtxFile&& o) noexcept {
  if (this != &o) {
    if (file_) std::fclose(file_);
    file_ = std::exchange(o.file_, nullptr);
    path_ = std::move(o.path_);
    header_ = o.header_;
    size_ = o.size_;
    base_ = o.base_;
  }
  return *this;
}

EvtxFile::~EvtxFile() {
  if (file_) std::fclose(file_);
}

Result<EvtxFile> EvtxFile::open(const std::filesystem::path& file) {
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) return Status::error(ErrorKind::io, "cannot read " + file.string() + ": " + ec.message());
  EvtxFile f;
  f.path_ = file.string();
  f.size_ = size;
  f.file_ = std::fopen(f.path_.c_str(), "rb");
  if (!f.file_) return Status::error(ErrorKind::io, "cannot open " + f.path_ + ": " + std::generic_category().message(errno));
  std::array<uint8_t, kFileHeaderSize + 8> head{};
  size_t n = std::fread(head.data(), 1, head.size(), f.file_);
  if (n >= 8 && std::memcmp(head.data(), kFileMagic, 8) == 0) {
    f.header_ = parse_file_header(head.data(), n);
    f.base_ = kFileHeaderSize;
  } else if (n >= 8 && std::memcmp(head.data(), kChunkMagic, 8) == 0) {
    f.header_ = FileHeader{};  // a fragment: no file header
    f.base_ = 0;
  } else if (n >= kFileHeaderSize + 8 && std::memcmp(head.data() + kFileHeaderSize, kChunkMagic, 8) == 0) {
    f.header_ = parse_file_header(head.data(), n);  // damaged file header, chunks intact
    f.base_ = kFileHeaderSize;
  } else {
    return Status::error(ErrorKind::bad_input, f.path_ + " is not an EVTX file (no ElfFile or ElfChnk signature)");
  }
  return f;
}

uint64_t EvtxFile::chunk_count() const {
  if (size_ <= base_) return 0;
  return (size_ - base_ + kChunkSize - 1) / kChunkSize;
}

Result<size_t> EvtxFile::read_chunk(uint64_t index, uint8_t* buf) {
  uint64_t off = chunk_offset(index);
  if (index >= chunk_count()) return Status::error(ErrorKind::usage, "chunk index out of range");
  if (seek64(file_, off) != 0) return Status::error(ErrorKind::io, "cannot seek in " + path_);
  size_t want = static_cast<size_t>(std::min<uint64_t>(kChunkSize, size_ - off));
  size_t n = std::fread(buf, 1, want, file_);
  if (n != want) return Status::error(ErrorKind::io, "cannot read chunk " + std::to_string(index) + " of " + path_);
  return n;
}

}  // namespace pm::evtx
