// Internal helpers of dpm_text.cpp: character classes and the host-name
// shapes (FQDN, NetBIOS, IPv4) and the agent-operation target patterns that
// dpm_text.h documents. Not for use outside parsers/dpm/dpm_text*.
#pragma once

#include <cstddef>
#include <string_view>

namespace pm::dpm::text_detail {

using sv = std::string_view;
inline constexpr size_t npos = sv::npos;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
inline bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
inline bool is_host_char(char c) { return is_alnum(c) || c == '-' || c == '.'; }
inline bool is_blank(char c) { return c == ' ' || c == '\t'; }
inline char lower(char c) { return is_upper(c) ? static_cast<char>(c + 32) : c; }

// Index of the first character at or after i that is not pred.
inline size_t skip(sv s, size_t i, bool (*pred)(char)) {
  while (i < s.size() && pred(s[i])) ++i;
  return i;
}

// Case-insensitive equality.
bool iequals(sv a, sv b);

// Dot-separated labels of letters, digits and hyphens: at least min_labels,
// the last one 2..24 letters and not a file extension; one_case: not mixed
// upper and lower case.
bool is_fqdn(sv tok, size_t min_labels, bool one_case);

// 2..15 upper-case letters, digits, hyphens, with a letter, not a word such as DPM or RPC.
bool is_netbios_upper(sv tok);

// The host-like token at s[i] (letters, digits, '.', '-'), without trailing dots and hyphens.
sv token_at(sv s, size_t i);

// The target of an agent operation in `t` (patterns A1..A3 of dpm_text.h);
// `l` is `t` in lower case. Empty when none.
sv find_attempt_target(sv t, sv l);

}  // namespace pm::dpm::text_detail
