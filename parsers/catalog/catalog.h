// The DPM catalogs: agent-operation error ids, HRESULTs, DPM releases and
// ports. The entries are data (parsers/data/dpm_errors.tsv, hresults.tsv,
// dpm_versions.tsv, dpm_ports.tsv, embedded at build time; each file's header
// names its sources); this file only reads and looks them up.
//
// Contract:
// - Every function is thread-safe; the tables are read once, on first use, and
//   live for the whole process. Returned pointers and references stay valid.
// - Lookups return nullptr / std::nullopt when nothing matches; they never throw.
// - HRESULTs are 32-bit values; text forms are "0x" + 8 upper-case hex digits.
//   A 0x8007xxxx HRESULT (severity error, FACILITY_WIN32) carries the Win32
//   error xxxx: win32_error(0x800706BA) == 1722, hresult_from_win32(1722) ==
//   0x800706BA. The Win32 error is derived here, never written in the data.
// - Message matching (hresult_for_message) ignores case, runs of white space,
//   surrounding white space and trailing punctuation (. , ; : !), and knows the
//   other renderings a file lists ("also seen as", e.g. DPM's "It cannot be
//   changed one initialized." for RPC_E_TOO_LATE).
// - load_problems() lists data lines that could not be read (empty when the
//   data files are well-formed; tests check that).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pm::catalog {

// One DPM error id (dpm_errors.tsv).
struct DpmError {
  int64_t id = 0;
  std::string kind;     // agent (agent operation) or other (e.g. 354, a disk error)
  std::string message;  // the text DPM shows; <server> stands for the computer it names
  std::string cause;    // typical cause, short
};

// One HRESULT (hresults.tsv).
struct HresultEntry {
  uint32_t code = 0;
  std::string hex;      // 0x800706BA
  std::string symbol;   // RPC_S_SERVER_UNAVAILABLE
  std::string message;  // The RPC server is unavailable.
  std::vector<std::string> also_seen_as;  // other renderings of the message
};

// One DPM build (dpm_versions.tsv).
struct DpmRelease {
  std::string release;  // 2019, 2012 R2, MABS v2, ...
  std::string version;  // 10.19.58.0
  std::string build;    // rtm or latest (newest update rollup known)
  std::string server_ac_path;  // pattern; <version> = the agent build
  std::string note;
};

// One port (dpm_ports.tsv).
struct DpmPort {
  std::string port;      // 135, or a range 49152-65535
  std::string protocol;  // TCP, UDP
  std::string service;
  std::string note;
};

const std::vector<DpmError>& dpm_errors();
const std::vector<HresultEntry>& hresults();
const std::vector<DpmRelease>& releases();
const std::vector<DpmPort>& ports();
std::vector<std::string> load_problems();

const DpmError* find_dpm_error(int64_t id);
const HresultEntry* find_hresult(uint32_t code);

// "0x800706BA", "0X800706ba", "800706BA" and "80070005" (exactly 8 hex
// digits without the prefix, severity bit set), "-2147023174" (signed
// decimal) and "2147944122" (unsigned decimal >= 0x80000000). Empty for
// anything else (small decimals are DPM or Win32 error numbers, not HRESULTs).
std::optional<uint32_t> parse_hresult(std::string_view text);
std::string format_hresult(uint32_t code);  // "0x800706BA"

// The Win32 error behind a 0x8007xxxx HRESULT; empty for other facilities.
std::optional<uint32_t> win32_error(uint32_t hresult);
// HRESULT_FROM_WIN32: 0 stays 0, else 0x80070000 | (code & 0xFFFF).
uint32_t hresult_from_win32(uint32_t win32);

// The entry whose message (or another rendering) equals `text` after
// normalisation (see the contract above).
const HresultEntry* hresult_for_message(std::string_view text);
// The entry whose message (or another rendering) of at least 15 characters
// (after normalisation) occurs inside `text` as whole words; the longest such
// message wins. For details lines that add words around the system message
// ("Failed to copy x: The network path was not found."). Shorter messages
// ("Access denied", "Unspecified error" is long enough) only match a whole
// text, through hresult_for_message.
const HresultEntry* hresult_in_text(std::string_view text);

// Which release a version belongs to.
struct ReleaseMatch {
  const DpmRelease* release = nullptr;  // the rtm entry of that release
  bool exact = false;                   // the version is a listed build
  std::string basis;  // "exact build", or "update of 2019 (same 10.19 line, after RTM 10.19.58.0)"
};
// An exact listed build; else the release line with the same major.minor whose
// rtm build is the greatest not above `version`. Empty for an unknown line or
// text that is not a dotted version.
std::optional<ReleaseMatch> release_for_version(std::string_view version);

}  // namespace pm::catalog
