// EVTX writer for test fixtures and scenario bundles: builds valid Windows
// XML Event Log files (.evtx) from a short description, optionally damaged.
//
// What it writes (all little-endian, see ../shared/formats/events.md):
// - a 4096-byte file header (ElfFile, version 3.1, first/last chunk, next
//   record id, chunk count, flags, CRC32 of bytes 0-119);
// - 64 KiB chunks (ElfChnk, first/last record number and id, last-record and
//   free-space offsets, data CRC32 over 512..free space, header CRC32 over
//   bytes 0-119 and 128-511, the 64-entry name hash table and the 32-entry
//   template table); a new chunk starts when the next record does not fit;
// - records (2a2a0000, size, record id, FILETIME, BinXml, size copy, padded
//   to 8 bytes) whose BinXml is a template instance. The System part is one
//   template per computer/provider/event id; every System value is an
//   optional substitution laid out as Windows does (0 Level, 1 Opcode, 2 Task,
//   3 EventID, 4 Qualifiers, 5 Keywords, 6 TimeCreated, 7 ActivityID,
//   8 ProcessID, 9 ThreadID, 10 EventRecordID, 11 Version, 12 UserID,
//   13 RelatedActivityID, 14 Provider Name, 15 Provider Guid, 16 Channel,
//   17 EventData/UserData, 18 EventSourceName); Computer is template text.
//   EventData (or UserData) is, by default, a nested BinXml value (type 0x21)
//   holding its own template instance, one template per provider/event-id
//   shape (names and value types); with nested_event_data = false the Data
//   elements sit in the outer template (substitutions 19..). Templates and
//   names are defined inline on first use in a chunk and back-referenced
//   afterwards. Every substitution is optional: a null value
//   (EvtxType::null) leaves the element or attribute out (evtxexport drops
//   it; python-evtx shows it empty).
//
// Damage (EvtxDamage) is applied after a valid file was laid out: a dirty
// flag, a header that lies about the chunk count, bad chunk magic, bad CRCs,
// records hidden in slack space after a chunk's free-space offset, truncation.
//
// Errors (a record larger than a chunk, a malformed value text, a bad
// description line) come back as Status; nothing is printed. Test support
// code, compiled into the test binaries and the pm_make_evtx tool.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/core/status.h"

namespace pm::test {

// BinXml value types the writer can encode (the numbers are the on-disk type bytes).
enum class EvtxType : uint8_t {
  null = 0x00,
  string = 0x01,      // UTF-16LE, no terminating NUL
  int8 = 0x03,
  uint8 = 0x04,
  int16 = 0x05,
  uint16 = 0x06,
  int32 = 0x07,
  uint32 = 0x08,
  int64 = 0x09,
  uint64 = 0x0A,
  boolean = 0x0D,     // 32-bit, 0 or 1
  binary = 0x0E,
  guid = 0x0F,
  filetime = 0x11,
  systemtime = 0x12,
  sid = 0x13,
  hex_int32 = 0x14,
  hex_int64 = 0x15,
};

// Name used in descriptions and messages ("string", "uint16", "hex64", ...); parse with evtx_type_from_name.
const char* evtx_type_name(EvtxType type);
std::optional<EvtxType> evtx_type_from_name(std::string_view name);

// One typed value: its encoded bytes and its canonical text, which is how
// Event Viewer's XML shows it: decimal integers, "true"/"false", binary as
// upper-case hex, GUID as {UPPER-CASE}, SID as S-1-..., FILETIME as
// 2020-07-24T14:21:33.4567890Z (7 digits), SYSTEMTIME as
// 2020-07-24T14:21:33.456Z, HexInt32/64 as 0x + 8/16 lower-case digits.
struct EvtxValue {
  EvtxType type = EvtxType::null;
  std::string bytes;  // as stored in the record
  std::string text;   // canonical text ("" for null)

  // Parses `text` as a value of `type`: integers in decimal (hex types also
  // take 0x...), bool as true/false/1/0, binary as hex digits, GUID with or
  // without braces, SID as S-1-..., times as ISO 8601 UTC with up to 7
  // fraction digits. Malformed text -> ErrorKind::bad_input.
  static Result<EvtxValue> parse(EvtxType type, std::string_view text);

  // Shorthands. They throw std::invalid_argument on malformed text (test code).
  static EvtxValue null_value();
  static EvtxValue str(std::string_view utf8);
  static EvtxValue u8(uint8_t v);
  static EvtxValue u16(uint16_t v);
  static EvtxValue u32(uint32_t v);
  static EvtxValue u64(uint64_t v);
  static EvtxValue i32(int32_t v);
  static EvtxValue i64(int64_t v);
  static EvtxValue boolean(bool v);
  static EvtxValue binary(std::string_view raw_bytes);
  static EvtxValue hex32(uint32_t v);
  static EvtxValue hex64(uint64_t v);
  static EvtxValue guid(std::string_view text);
  static EvtxValue sid(std::string_view text);
  static EvtxValue filetime(std::string_view iso_utc);
  static EvtxValue systemtime(std::string_view iso_utc);
  static EvtxValue of(EvtxType type, std::string_view text);  // parse() or throw
};

// One EventData/UserData item. An empty name writes <Data> without a Name attribute.
struct EvtxDataItem {
  std::string name;
  EvtxValue value;
};

// One event. Empty strings and empty optionals leave the element or
// attribute out (null substitution); channel and computer default to the file's.
struct EvtxRecordSpec {
  std::string provider;
  std::string provider_guid;        // "{...}" or ""
  std::string event_source_name;    // "" = none
  uint16_t event_id = 0;
  std::optional<uint16_t> qualifiers;
  uint8_t version = 0;
  uint8_t level = 4;                // 0 LogAlways, 1 critical, 2 error, 3 warning, 4 information, 5 verbose
  uint16_t task = 0;
  uint8_t opcode = 0;
  uint64_t keywords = 0x8000000000000000ULL;
  std::string time;                 // TimeCreated, ISO 8601 UTC (up to 7 fraction digits); wins over time_us
  std::optional<int64_t> time_us;   // TimeCreated as UTC microseconds since 1970
  uint64_t record_id = 0;           // 0 = previous + 1 (the first record gets 1)
  std::string channel;              // "" = the file's channel
  std::string computer;             // "" = the file's computer
  std::string user_sid;             // Security UserID, "" = none
  std::string activity_id, related_activity_id;  // Correlation GUIDs, "" = none
  std::optional<uint32_t> process_id, thread_id;
  std::vector<EvtxDataItem> data;   // in document order
  // UserData instead of EventData: data items become children of
  // <UserData><user_data_root xmlns='user_data_ns'>.
  std::string user_data_root, user_data_ns;
};

// Damage applied to the laid-out file. Chunk indexes are 0-based.
struct EvtxDamage {
  bool dirty = false;                            // file header flag 1
  std::optional<uint16_t> header_chunk_count;    // chunk count (and last chunk) the header claims
  bool bad_file_header_crc = false;
  std::vector<int> bad_chunk_magic;              // "ElfChnk" -> "ElfChnX"
  std::vector<int> bad_chunk_header_crc;
  std::vector<int> bad_chunk_data_crc;
  // Records written after the free-space offset of chunk `slack_chunk` (-1 =
  // the last chunk): not counted in the chunk header or its data CRC, and not
  // registered in its name/template tables (names and templates they introduce are inline).
  std::vector<EvtxRecordSpec> slack_records;
  int slack_chunk = -1;
  std::optional<uint64_t> truncate_to;           // final file size in bytes
};

struct EvtxOptions {
  bool nested_event_data = true;  // EventData as a nested BinXml value (as Windows writes it)
};

// What was written, for assertions.
struct EvtxWriteInfo {
  int chunks = 0;
  std::vector<uint64_t> record_ids;        // live records in file order
  std::vector<int> record_chunk;           // chunk index of each live record
  std::vector<uint64_t> slack_record_ids;
  int templates_defined = 0;               // inline template definitions
  int template_references = 0;             // instances that back-reference a definition
  uint64_t file_size = 0;
};

// A whole file: what a description (parse_evtx_description) holds.
struct EvtxFileSpec {
  std::string channel = "System";
  std::string computer = "HOST";
  std::vector<EvtxRecordSpec> records;
  EvtxDamage damage;
  EvtxOptions options;
};

// Lays out the file in memory; `info` (optional) receives what was written.
Result<std::string> build_evtx(const EvtxFileSpec& spec, EvtxWriteInfo* info = nullptr);

// Writes the file; returns what was written.
Result<EvtxWriteInfo> write_evtx(const std::filesystem::path& path, const EvtxFileSpec& spec);
Result<EvtxWriteInfo> write_evtx(const std::filesystem::path& path, std::string_view channel, std::string_view computer,
                                 const std::vector<EvtxRecordSpec>& records, const EvtxDamage& damage = {},
                                 const EvtxOptions& options = {});

// TimeCreated of a record as FILETIME ticks (100 ns since 1601); empty when
// the record has no valid time.
std::optional<int64_t> evtx_record_filetime(const EvtxRecordSpec& record);

// FILETIME ticks as 2020-07-24T14:21:33.4567890Z.
std::string format_filetime(int64_t ticks);

// CRC32 (IEEE, as EVTX uses it).
uint32_t evtx_crc32(std::string_view bytes);

// Parses the text description pm_make_evtx reads. One directive a line, '#'
// starts a comment line, values run to the end of the line (the escapes
// are \n, \t and a doubled backslash):
//   channel NAME | computer NAME | layout nested|flat
//   record                              starts a record; `end` closes it
//     provider NAME | provider_guid {GUID} | event_source_name NAME
//     event_id N | qualifiers N | version N | level N | task N | opcode N
//     keywords 0xHEX | time ISO | record_id N | channel NAME | computer NAME
//     user_sid SID | activity_id {GUID} | related_activity_id {GUID}
//     process_id N | thread_id N | user_data ROOT NAMESPACE
//     data NAME TYPE VALUE              NAME "-" = unnamed; TYPE as evtx_type_name
//   slack                               like record, but the record goes to slack space
//   damage dirty | damage header_chunk_count N | damage bad_file_header_crc
//   damage bad_chunk_magic I | damage bad_chunk_header_crc I | damage bad_chunk_data_crc I
//   damage slack_chunk I | damage truncate BYTES
// Errors name the line.
Result<EvtxFileSpec> parse_evtx_description(std::string_view text);

}  // namespace pm::test
