// Address and number helpers shared by parsers. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pm {

bool is_ipv4(std::string_view s);
bool is_ipv6(std::string_view s);  // also accepts an embedded IPv4 tail and a %zone suffix
inline bool is_ip_address(std::string_view s) { return is_ipv4(s) || is_ipv6(s); }

// Decimal integer, optional leading '-'; empty when not a whole number or out of range.
std::optional<int64_t> parse_int(std::string_view s);

}  // namespace pm
