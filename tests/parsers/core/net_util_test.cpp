#include <catch2/catch.hpp>
#include <string>

#include "parsers/core/net_util.h"

TEST_CASE("net: IPv4 addresses", "[core][net]") {
  for (const char* ok : {"0.0.0.0", "255.255.255.255", "10.0.0.5", "192.168.1.100", "1.2.3.4", "169.254.12.34"}) {
    INFO(ok);
    CHECK(pm::is_ipv4(ok));
    CHECK(pm::is_ip_address(ok));
    CHECK(!pm::is_ipv6(ok));
  }
  for (const char* bad : {"192.168.1.10055", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.", ".1.2.3", "",
                          "1..2.3", " 1.2.3.4", "1.2.3.4 ", "a.b.c.d", "1.2.3.-4", "1.2.3.4/24", "1234.1.1.1",
                          "10.0.0.5(Preferred)"}) {
    INFO(bad);
    CHECK(!pm::is_ipv4(bad));
    CHECK(!pm::is_ip_address(bad));
  }
}

TEST_CASE("net: IPv6 addresses", "[core][net]") {
  for (const char* ok : {"::", "::1", "fe80::1d4c:8a2b:3c9e:7f10", "fe80::1%12", "fe80::1%eth0", "2001:db8::",
                         "1:2:3:4:5:6:7:8", "2001:DB8:0:0:8:800:200C:417A", "::ffff:192.168.1.1",
                         "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::", "2a02:810d:4b3f:e400:b4e1:4c1a:9f3:2e77"}) {
    INFO(ok);
    CHECK(pm::is_ipv6(ok));
    CHECK(pm::is_ip_address(ok));
    CHECK(!pm::is_ipv4(ok));
  }
  for (const char* bad : {":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "1::2::3", ":1", "1:",
                          "fe80::1%", "1.2.3.4", "::1.2.3", "::192.168.1.10055", "", ":", "1:2:3:4:5:6:7:8::",
                          "fe80::1(Preferred)"}) {
    INFO(bad);
    CHECK(!pm::is_ipv6(bad));
  }
}

TEST_CASE("net: parse_int", "[core][net]") {
  CHECK(pm::parse_int("42") == 42);
  CHECK(pm::parse_int("-7") == -7);
  CHECK(pm::parse_int("0") == 0);
  CHECK(pm::parse_int("9223372036854775807") == INT64_MAX);
  CHECK(!pm::parse_int("9223372036854775808"));
  CHECK(!pm::parse_int(""));
  CHECK(!pm::parse_int("1.5"));
  CHECK(!pm::parse_int("+5"));
  CHECK(!pm::parse_int(" 5"));
  CHECK(!pm::parse_int("5 "));
  CHECK(!pm::parse_int("-"));
  CHECK(!pm::parse_int("0x10"));
}
