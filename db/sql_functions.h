// SQL functions pushmortem adds to every connection (registered by
// Database::open), used by compiled rules (rules/compiler.h) and available to
// `query`:
//
//   pm_regexp(pattern, value)  1 when the RE2 `pattern` matches anywhere in
//                              `value`, else 0; a NULL value (or pattern) gives 0.
//                              Each distinct pattern is compiled once per
//                              statement; an invalid pattern is an SQL error
//                              carrying RE2's message.
//   pm_cidr(value, cidr)       1 when `value` is an IPv4 or IPv6 address inside
//                              the network `cidr` ("10.0.0.0/8", "fe80::/10", or a
//                              single address), else 0 (also for NULL or a value
//                              that is not an address). An IPv4-mapped IPv6 value
//                              (::ffff:a.b.c.d) is tested against IPv4 networks.
//                              An invalid `cidr` is an SQL error.
//
// Both are deterministic and innocuous. The address helpers below are pure
// functions, shared with the rule compiler (which checks CIDRs up front).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "parsers/core/status.h"

struct sqlite3;

namespace pm::db {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  bool v6 = false;
};

struct IpNetwork {
  IpAddress base;   // host bits cleared
  int prefix = 0;   // 0..32 (IPv4) or 0..128 (IPv6)
};

// Dotted IPv4 (no leading zeros) or IPv6 (with "::", an IPv4 tail, a %zone suffix).
std::optional<IpAddress> parse_ip_address(std::string_view text);
// "address/prefix" or a bare address (a /32 or /128). Host bits may be set; they are ignored.
std::optional<IpNetwork> parse_cidr(std::string_view text);
bool network_contains(const IpNetwork& network, const IpAddress& address);

// Registers pm_regexp and pm_cidr on `db`.
Status register_sql_functions(sqlite3* db);

}  // namespace pm::db
