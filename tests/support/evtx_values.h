// Text parsing shared by evtx_values.cpp (which defines it, with the
// EvtxValue, evtx_type_* and FILETIME functions of evtx_writer.h) and
// evtx_description.cpp; internal, not part of the evtx_writer.h API.
//
// Contract: parse_unsigned reads decimal digits, or 0x/0X hex when allow_hex,
// and returns nullopt for empty text, a bad digit or a value above UINT64_MAX.
// parse_iso_ticks reads "YYYY-MM-DDTHH:MM:SS[.fffffff][Z]" (UTC, 'T' or ' ',
// 1 to 9 fraction digits, truncated to 100 ns) as FILETIME ticks, nullopt
// when malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pm::test::evtx_detail {

std::optional<uint64_t> parse_unsigned(std::string_view t, bool allow_hex);
std::optional<int64_t> parse_iso_ticks(std::string_view t);

}  // namespace pm::test::evtx_detail
