// Recovery (parsers/evtx/recovery.h, evtx_reader.h, evtx_file.h): slack
// space, damaged records and chunks, lying headers, fragments, big files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "evtx_bytes.h"
#include "parsers/evtx/evtx_parser.h"
#include "parsers/evtx/recovery.h"
#include "support/parse_fixture.h"

using namespace pm;
using namespace pm::test;
using namespace pm::test::evtxb;

namespace {

// Three records; the chunk header's free-space offset ends after `live` of them.
std::string three_records(int live, std::vector<size_t>* offsets = nullptr) {
  Chunk c;
  std::vector<uint32_t> ends;
  uint32_t def = 0;
  for (int i = 1; i <= 3; ++i) {
    if (offsets) offsets->push_back(c.b.size());
    def = simple_record(c, static_cast<uint64_t>(i), 7036, str("r" + std::to_string(i)), def);
    ends.push_back(c.pos());
  }
  return c.finish(1, static_cast<uint64_t>(live), ends[static_cast<size_t>(live) - 1]);
}

ParseCounts parse_bytes(const std::string& bytes, CollectingSink& sink) {
  TempFile f("x.evtx", bytes);
  TestSource src(f.path());
  auto r = EvtxParser().parse(src.ref, sink);
  REQUIRE(r);
  const ParseCounts& c = r.value();
  CHECK(c.unit == "record");
  CHECK(c.header_units == 0);
  CHECK(c.reconciles());
  CHECK(c.units_read == c.rows_stored + c.rows_rejected);
  CHECK(sink.rejects.size() == static_cast<size_t>(c.rows_rejected));
  CHECK(sink.win_events.size() == static_cast<size_t>(c.rows_stored));
  return c;
}

}  // namespace

TEST_CASE("evtx recovery: records after the free-space offset are recovered", "[parsers][evtx]") {
  Decoded d = decode_chunk(three_records(1));
  REQUIRE(d.records.size() == 3);
  CHECK_FALSE(d.records[0].meta.recovered);
  CHECK(d.records[1].meta.recovered);
  CHECK(d.records[2].meta.recovered);
  CHECK(d.records[2].row.recovered);
  CHECK(d.records[2].row.data[0].second == "r3");  // the template of record 1 still applies
  CHECK(d.stats.recovered == 2);
  CHECK(d.stats.data_crc_errors == 0);
}

TEST_CASE("evtx recovery: an inflated record size hides nothing", "[parsers][evtx]") {
  std::vector<size_t> at;
  std::string chunk = three_records(3, &at);
  // Record 1 claims to be 0x4000 bytes long: its trailing copy no longer matches.
  chunk.replace(at[0] + 4, 4, le(0x4000, 4));
  std::vector<evtx::RecordSpan> spans;
  evtx::find_records(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size(), 0, false, spans);
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].size == 0);  // untrustworthy size: decoded up to its end of stream
  CHECK(spans[0].recovered);
  CHECK(spans[1].offset == at[1]);
  CHECK(spans[2].offset == at[2]);
  Decoded d = decode_chunk(chunk);
  REQUIRE(d.records.size() == 3);
  CHECK(d.records[0].row.data[0].second == "r1");
  CHECK(d.records[1].meta.recovered);
  CHECK(d.stats.header_crc_errors == 0);
  CHECK(d.stats.data_crc_errors == 1);  // the size field changed after the CRC
}

TEST_CASE("evtx recovery: a chunk with a bad signature is scanned", "[parsers][evtx]") {
  std::string chunk = three_records(3);
  chunk[7] = 'X';  // "ElfChnkX"
  Decoded d = decode_chunk(chunk);
  REQUIRE(d.records.size() == 3);
  for (const auto& r : d.records) CHECK(r.meta.recovered);
  CHECK(d.stats.bad_magic == 1);
  // An all-zero chunk is unused, not damaged.
  Decoded z = decode_chunk(std::string(evtx::kChunkSize, '\0'));
  CHECK(z.records.empty());
  CHECK(z.stats.empty_chunks == 1);
  CHECK(z.stats.bad_magic == 0);
}

TEST_CASE("evtx recovery: scanning needs size, size copy and BinXml", "[parsers][evtx]") {
  Chunk c;
  simple_record(c, 1, 1, str("a"));
  uint32_t live = c.pos();
  // Fake signatures in slack: bad size copy; a good copy but no fragment header.
  c.b += std::string("\x2A\x2A\x00\x00", 4) + le(40, 4) + std::string(28, '\x01') + le(41, 4);
  c.b += std::string("\x2A\x2A\x00\x00", 4) + le(32, 4) + std::string(20, '\x07') + le(32, 4);
  std::vector<evtx::RecordSpan> spans;
  std::string chunk = c.finish(1, 1, live);
  evtx::find_records(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size(), live, false, spans);
  CHECK(spans.size() == 1);
  CHECK(evtx::record_at(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size(), 512));
  CHECK_FALSE(evtx::record_at(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size(), live));
}

TEST_CASE("evtx recovery: chunks past the header's count, CRC errors, fragments", "[parsers][evtx]") {
  std::string c1 = three_records(3);
  Chunk second;
  simple_record(second, 4, 4624, str("later"));
  std::string c2 = second.finish(4, 4);
  SECTION("a dirty header that counts one chunk of two") {
    CollectingSink sink;
    ParseCounts n = parse_bytes(file_header(1, 1) + c1 + c2, sink);
    CHECK(n.rows_stored == 4);
    CHECK(sink.win_events.back().event_id == 4624);
    CHECK_FALSE(sink.win_events.back().recovered);
  }
  SECTION("bad file and chunk header CRCs are counted, not fatal") {
    std::string h = file_header(2);
    h[124] ^= 0x55;
    std::string bad = c2;
    bad[124] ^= 0x55;
    CollectingSink sink;
    ParseCounts n = parse_bytes(h + c1 + bad, sink);
    CHECK(n.rows_stored == 4);
    // An untrusted chunk header: its free-space offset is ignored, records still read.
    CHECK(sink.win_events.back().data[0].second == "later");
  }
  SECTION("a headerless fragment (chunks from offset 0)") {
    CollectingSink sink;
    ParseCounts n = parse_bytes(c1 + c2, sink);
    CHECK(n.rows_stored == 4);
    CHECK(sink.events.front().offset == 512);
  }
  SECTION("a truncated last chunk is read as far as it goes") {
    std::string file = file_header(2) + c1 + c2.substr(0, 2000);
    CollectingSink sink;
    ParseCounts n = parse_bytes(file, sink);
    CHECK(n.rows_stored == 4);
    CHECK(sink.win_events.back().recovered == false);
  }
  SECTION("a damaged file header before intact chunks") {
    std::string h = file_header(2);
    h[0] = 'X';
    CollectingSink sink;
    ParseCounts n = parse_bytes(h + c1 + c2, sink);
    CHECK(n.rows_stored == 4);
  }
}

TEST_CASE("evtx recovery: undecodable records are rejected with a hex excerpt", "[parsers][evtx]") {
  Chunk c;
  simple_record(c, 1, 1, str("ok"));
  size_t at = c.record_begin(2);
  c.fragment();
  c.u8(0x3F);  // unknown token
  c.eof();
  c.record_end(at);
  CollectingSink sink;
  ParseCounts n = parse_bytes(file_header(1) + c.finish(1, 2), sink);
  CHECK(n.units_read == 2);
  CHECK(n.rows_stored == 1);
  REQUIRE(n.rows_rejected == 1);
  const RejectedRow& r = sink.rejects[0];
  CHECK(r.location == 2);
  CHECK(r.offset == static_cast<int64_t>(4096 + at));
  CHECK(r.reason.find("undecodable record: unknown BinXml token 0x3f") == 0);
  CHECK(r.raw.rfind("2A2A0000", 0) == 0);
}

TEST_CASE("evtx recovery: files over 4 GiB count chunks from the file size", "[parsers][evtx]") {
  // Sparse: a header that claims one chunk, then a chunk past 4 GiB.
  auto dir = std::filesystem::temp_directory_path() / ("pm_evtx_big_" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  auto path = dir / "big.evtx";
  Chunk c;
  simple_record(c, 77, 6005, str("far"));
  std::string chunk = c.finish(77, 77);
  const uint64_t index = 65540;  // chunk offset 4096 + 65540 * 64 KiB > 4 GiB
  {
    std::ofstream out(path, std::ios::binary);
    out << file_header(1);
  }
  std::error_code ec;
  std::filesystem::resize_file(path, evtx::kFileHeaderSize + index * evtx::kChunkSize, ec);
  if (ec) {
    WARN("cannot create a sparse 4 GiB file here (" << ec.message() << "): skipped");
    std::filesystem::remove_all(dir);
    return;
  }
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << chunk;
  }
  auto f = evtx::EvtxFile::open(path);
  REQUIRE(f);
  CHECK(f->header().chunk_count == 1);
  CHECK(f->chunk_count() == index + 1);
  CHECK(f->chunk_offset(index) > (uint64_t{1} << 32));
  std::vector<uint8_t> buf(evtx::kChunkSize);
  auto n = f->read_chunk(index, buf.data());
  REQUIRE(n);
  CHECK(n.value() == evtx::kChunkSize);
  Decoded d = decode_chunk(std::string(reinterpret_cast<const char*>(buf.data()), n.value()), f->chunk_offset(index));
  REQUIRE(d.records.size() == 1);
  CHECK(d.records[0].event.offset == static_cast<int64_t>(f->chunk_offset(index) + 512));
  CHECK(d.records[0].row.data[0].second == "far");
  f = evtx::EvtxFile{};
  std::filesystem::remove_all(dir);
}
