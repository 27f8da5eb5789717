#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "parsers/core/time_util.h"

using pm::kMicrosPerSecond;

static_assert(pm::days_from_civil(1970, 1, 1) == 0);
static_assert(pm::days_from_civil(2000, 3, 1) == 11017);
static_assert(pm::days_from_civil(1969, 12, 31) == -1);

TEST_CASE("time: civil dates and leap years", "[core][time]") {
  CHECK(pm::valid_civil_date(2020, 2, 29));
  CHECK(pm::valid_civil_date(2000, 2, 29));    // divisible by 400
  CHECK(!pm::valid_civil_date(1900, 2, 29));   // divisible by 100
  CHECK(!pm::valid_civil_date(2021, 2, 29));
  CHECK(pm::valid_civil_date(2021, 2, 28));
  CHECK(!pm::valid_civil_date(2021, 4, 31));
  CHECK(pm::valid_civil_date(2021, 12, 31));
  CHECK(!pm::valid_civil_date(2021, 13, 1));
  CHECK(!pm::valid_civil_date(2021, 0, 1));
  CHECK(!pm::valid_civil_date(2021, 1, 0));
  CHECK(pm::valid_civil_date(1601, 1, 1));  // FILETIME epoch
  CHECK(!pm::valid_civil_date(1600, 12, 31));
  CHECK(pm::valid_civil_date(9999, 12, 31));
  CHECK(!pm::valid_civil_date(10000, 1, 1));
  CHECK(pm::days_from_civil(2020, 3, 1) - pm::days_from_civil(2020, 2, 28) == 2);
  CHECK(pm::days_from_civil(2021, 3, 1) - pm::days_from_civil(2021, 2, 28) == 1);
}

TEST_CASE("time: parse_date_time_seconds", "[core][time]") {
  CHECK(pm::parse_date_time_seconds("2021-06-22", "10:19:41") == 1624357181);
  CHECK(pm::parse_date_time_seconds("1970-01-01", "00:00:00") == 0);
  CHECK(pm::parse_date_time_seconds("2020-02-29", "23:59:59") == pm::days_from_civil(2020, 2, 29) * 86400 + 86399);
  CHECK(pm::parse_date_time_seconds("2016-12-31", "23:59:60"));  // a leap second is accepted
  CHECK(!pm::parse_date_time_seconds("2021-02-29", "00:00:00"));
  CHECK(!pm::parse_date_time_seconds("2021-6-22", "10:19:41"));
  CHECK(!pm::parse_date_time_seconds("2021-06-22", "10:19"));
  CHECK(!pm::parse_date_time_seconds("2021-06-22", "24:00:00"));
  CHECK(!pm::parse_date_time_seconds("2021-06-22", "10:60:00"));
  CHECK(!pm::parse_date_time_seconds("2021/06/22", "10:19:41"));
  CHECK(!pm::parse_date_time_seconds("2021-06-22", "10-19-41"));
  CHECK(!pm::parse_date_time_seconds("2021-06-2x", "10:19:41"));
  CHECK(!pm::parse_date_time_seconds("", ""));
}

TEST_CASE("time: parse_iso8601_us", "[core][time]") {
  const int64_t t = 1624357181LL * kMicrosPerSecond;
  CHECK(pm::parse_iso8601_us("2021-06-22T10:19:41Z") == t);
  CHECK(pm::parse_iso8601_us("2021-06-22T10:19:41z") == t);
  CHECK(pm::parse_iso8601_us("2021-06-22 10:19:41") == t);  // no offset: UTC
  CHECK(pm::parse_iso8601_us("2021-06-22T10:19:41Z  ") == t);
  CHECK(pm::parse_iso8601_us("2021-06-22T10:19:41.5Z") == t + 500000);
  CHECK(pm::parse_iso8601_us("2021-06-22T10:19:41,25Z") == t + 250000);
  CHECK(pm::parse_iso8601_us("2021-06-22T10:19:41.123456789Z") == t + 123456);  // beyond microseconds: cut
  CHECK(pm::parse_iso8601_us("2021-06-22T12:19:41+02:00") == t);
  CHECK(pm::parse_iso8601_us("2021-06-22T05:19:41-05:00") == t);
  CHECK(pm::parse_iso8601_us("2021-06-22T15:49:41+0530") == t);
  CHECK(pm::parse_iso8601_us("2021-06-22T12:19:41+02") == t);
  CHECK(pm::parse_iso8601_us("2021-06-22T10:19Z") == t - 41 * kMicrosPerSecond);
  CHECK(pm::parse_iso8601_us("2021-06-22") == pm::days_from_civil(2021, 6, 22) * 86400 * kMicrosPerSecond);
  CHECK(pm::parse_iso8601_us("2020-02-29T00:00:00Z"));
  CHECK(!pm::parse_iso8601_us("2021-02-29T00:00:00Z"));
  CHECK(!pm::parse_iso8601_us("2021-13-01T00:00:00Z"));
  CHECK(!pm::parse_iso8601_us("2021-06-22T25:00:00Z"));
  CHECK(!pm::parse_iso8601_us("2021-06-22T10:19:41+5"));
  CHECK(!pm::parse_iso8601_us("2021-06-22T10:19:41Zjunk"));
  CHECK(!pm::parse_iso8601_us("2021-06-22X"));
  CHECK(!pm::parse_iso8601_us("2021-06-22T"));
  CHECK(!pm::parse_iso8601_us("06/22/2021"));
  CHECK(!pm::parse_iso8601_us(""));
}

TEST_CASE("time: format and round trip", "[core][time]") {
  CHECK(pm::format_iso8601_us(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(pm::format_iso8601_us(-1) == "1969-12-31T23:59:59.999999Z");
  CHECK(pm::format_iso8601_short(1624357181LL * kMicrosPerSecond) == "2021-06-22T10:19:41Z");
  CHECK(pm::format_iso8601_short(1624357181LL * kMicrosPerSecond + 7) == "2021-06-22T10:19:41.000007Z");
  CHECK(pm::format_iso8601_short(-kMicrosPerSecond) == "1969-12-31T23:59:59Z");
  for (const char* s : {"2020-02-29T23:59:59.999999Z", "2000-02-29T12:00:00.000000Z", "1601-01-01T00:00:00.000000Z",
                        "9999-12-31T23:59:59.999999Z", "1969-07-20T20:17:40.000000Z", "2021-03-14T07:30:00.000001Z"}) {
    auto us = pm::parse_iso8601_us(s);
    INFO(s);
    REQUIRE(us);
    CHECK(pm::format_iso8601_us(*us) == s);
  }
  // The extremes format without truncation.
  CHECK(pm::format_iso8601_us(std::numeric_limits<int64_t>::max()) == "294247-01-10T04:00:54.775807Z");
  CHECK(!pm::format_iso8601_us(std::numeric_limits<int64_t>::min()).empty());
}
