#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "parsers/core/time_util.h"
#include "parsers/core/timezone.h"
#include "parsers/embedded.h"

namespace {

int64_t local(const char* date, const char* time) {
  auto s = pm::parse_date_time_seconds(date, time);
  REQUIRE(s);
  return *s;
}

std::string utc_text(int64_t seconds) { return pm::format_iso8601_short(seconds * pm::kMicrosPerSecond); }

pm::ZoneConverter zone(const std::string& name) {
  auto z = pm::ZoneConverter::from_name(name);
  INFO(name);
  REQUIRE(z);
  return z.value();
}

}  // namespace

TEST_CASE("zones: UTC spellings", "[core][timezone]") {
  for (const char* name : {"UTC", "utc", "Z", "GMT", "Etc/UTC", "  UTC  ", "(UTC) Coordinated Universal Time", "UTC"}) {
    auto z = zone(name);
    CHECK(z.is_utc());
    CHECK(z.iana_id() == "UTC");
  }
  pm::ZoneConverter utc;
  CHECK(utc.is_utc());
  CHECK(utc.to_utc(1234).utc_seconds == 1234);
  CHECK(zone("Etc/GMT").is_utc());
}

TEST_CASE("zones: IANA names and Windows zone ids", "[core][timezone]") {
  CHECK(zone("America/New_York").iana_id() == "America/New_York");
  CHECK(zone("US/Eastern").iana_id() == "America/New_York");  // canonicalised
  CHECK(zone("Europe/Berlin").iana_id() == "Europe/Berlin");
  CHECK(zone("Eastern Standard Time").iana_id() == "America/New_York");
  CHECK(zone("W. Europe Standard Time").iana_id() == "Europe/Berlin");
  CHECK(zone("GMT Standard Time").iana_id() == "Europe/London");
  CHECK(!zone("Tokyo Standard Time").is_utc());
  CHECK(zone("  Pacific Standard Time ").given_name() == "Pacific Standard Time");
  CHECK(pm::iana_for_windows_zone_id("Romance Standard Time") == "Europe/Paris");
  CHECK(pm::iana_for_windows_zone_id("No Such Standard Time").empty());
}

TEST_CASE("zones: Windows display names as systeminfo prints them", "[core][timezone]") {
  CHECK(zone("(UTC-05:00) Eastern Time (US & Canada)").iana_id() == "America/New_York");
  CHECK(zone("(GMT-05:00) Eastern Time (US & Canada)").iana_id() == "America/New_York");  // XP / 2003
  CHECK(zone("  (utc-05:00)   eastern time (us &  canada) ").iana_id() == "America/New_York");
  CHECK(zone("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna").iana_id() == "Europe/Berlin");
  CHECK(zone("(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna").iana_id() == "Europe/Berlin");
  CHECK(zone("(UTC+00:00) Dublin, Edinburgh, Lisbon, London").iana_id() == "Europe/London");
  CHECK(zone("(UTC) Dublin, Edinburgh, Lisbon, London").iana_id() == "Europe/London");  // Windows 7
  CHECK(zone("(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London").iana_id() == "Europe/London");
  CHECK(zone("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi").iana_id() == "Asia/Calcutta");
  CHECK(zone("(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien").iana_id() == "Europe/Berlin");
  CHECK(zone("(UTC+02:00) Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius").iana_id() ==
        zone("(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius").iana_id());
  CHECK(pm::windows_zone_id_for_display_name("(UTC-05:00) Eastern Time (US & Canada)") == "Eastern Standard Time");
  CHECK(pm::windows_zone_id_for_display_name("(UTC-04:30) Caracas") == "Venezuela Standard Time");
  CHECK(pm::windows_zone_id_for_display_name("(UTC-05:00) Somewhere Else").empty());
}

TEST_CASE("zones: every row of windows_zone_names.tsv resolves through ICU", "[core][timezone]") {
  std::string_view data = pm::embedded_file("windows_zone_names.tsv");
  REQUIRE(!data.empty());
  std::set<std::string> ids;
  int rows = 0;
  while (!data.empty()) {
    size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    ++rows;
    size_t tab = line.find('\t');
    INFO(std::string(line));
    REQUIRE(tab != std::string_view::npos);
    CHECK(line.find('\t', tab + 1) == std::string_view::npos);
    std::string display(line.substr(0, tab));
    std::string id(line.substr(tab + 1));
    CHECK(!pm::iana_for_windows_zone_id(id).empty());
    CHECK(pm::windows_zone_id_for_display_name(display) == id);
    auto z = pm::ZoneConverter::from_name(display);
    CHECK(z);
    if (z && id != "UTC") CHECK(!z->is_utc());
    CHECK((display.rfind("(UTC", 0) == 0 || display.rfind("(GMT", 0) == 0));
    ids.insert(id);
  }
  CHECK(rows >= 139);
  CHECK(ids.size() >= 139);  // every current Windows zone
}

TEST_CASE("zones: America/New_York DST", "[core][timezone]") {
  auto ny = zone("America/New_York");
  SECTION("summer and winter offsets") {
    auto r = ny.to_utc(local("2021-07-01", "12:00:00"));
    CHECK(utc_text(r.utc_seconds) == "2021-07-01T16:00:00Z");
    CHECK(!r.ambiguous);
    CHECK(!r.nonexistent);
    r = ny.to_utc(local("2021-01-15", "12:00:00"));
    CHECK(utc_text(r.utc_seconds) == "2021-01-15T17:00:00Z");
  }
  SECTION("spring forward: 02:30 does not exist") {
    auto r = ny.to_utc(local("2021-03-14", "02:30:00"));
    CHECK(r.nonexistent);
    CHECK(!r.ambiguous);
    CHECK(utc_text(r.utc_seconds) == "2021-03-14T07:30:00Z");  // shifted by the standard offset
    auto before = ny.to_utc(local("2021-03-14", "01:59:59"));
    CHECK(!before.nonexistent);
    CHECK(utc_text(before.utc_seconds) == "2021-03-14T06:59:59Z");
    auto after = ny.to_utc(local("2021-03-14", "03:00:00"));
    CHECK(!after.nonexistent);
    CHECK(utc_text(after.utc_seconds) == "2021-03-14T07:00:00Z");
  }
  SECTION("fall back: 01:30 happens twice, the earlier reading wins") {
    auto r = ny.to_utc(local("2021-11-07", "01:30:00"));
    CHECK(r.ambiguous);
    CHECK(!r.nonexistent);
    CHECK(utc_text(r.utc_seconds) == "2021-11-07T05:30:00Z");
    CHECK(ny.to_utc(local("2021-11-07", "01:00:00")).ambiguous);
    CHECK(ny.to_utc(local("2021-11-07", "01:59:59")).ambiguous);
    auto before = ny.to_utc(local("2021-11-07", "00:59:59"));
    CHECK(!before.ambiguous);
    CHECK(utc_text(before.utc_seconds) == "2021-11-07T04:59:59Z");
    auto after = ny.to_utc(local("2021-11-07", "02:00:00"));
    CHECK(!after.ambiguous);
    CHECK(utc_text(after.utc_seconds) == "2021-11-07T07:00:00Z");
  }
  SECTION("the per-slot cache gives the same answers in any order") {
    const char* times[] = {"01:30:00", "00:59:59", "01:45:00", "02:00:00", "01:30:00", "12:00:00", "01:00:00"};
    auto fresh = zone("America/New_York");
    for (const char* t : times) {
      auto cached = ny.to_utc(local("2021-11-07", t));
      auto uncached = zone("America/New_York").to_utc(local("2021-11-07", t));
      INFO(t);
      CHECK(cached.utc_seconds == uncached.utc_seconds);
      CHECK(cached.ambiguous == uncached.ambiguous);
      CHECK(cached.nonexistent == uncached.nonexistent);
      CHECK(fresh.to_utc(local("2021-11-07", t)).utc_seconds == uncached.utc_seconds);
    }
  }
}

TEST_CASE("zones: Europe/Berlin", "[core][timezone]") {
  auto berlin = zone("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna");
  CHECK(utc_text(berlin.to_utc(local("2021-07-01", "12:00:00")).utc_seconds) == "2021-07-01T10:00:00Z");
  CHECK(utc_text(berlin.to_utc(local("2021-01-15", "12:00:00")).utc_seconds) == "2021-01-15T11:00:00Z");
  auto gap = berlin.to_utc(local("2021-03-28", "02:30:00"));
  CHECK(gap.nonexistent);
  CHECK(utc_text(gap.utc_seconds) == "2021-03-28T01:30:00Z");
  auto twice = berlin.to_utc(local("2021-10-31", "02:30:00"));
  CHECK(twice.ambiguous);
  CHECK(utc_text(twice.utc_seconds) == "2021-10-31T00:30:00Z");
  // Copies convert the same way.
  pm::ZoneConverter copy(berlin);
  CHECK(copy.iana_id() == "Europe/Berlin");
  CHECK(copy.to_utc(local("2021-07-01", "12:00:00")).utc_seconds == berlin.to_utc(local("2021-07-01", "12:00:00")).utc_seconds);
  pm::ZoneConverter assigned;
  assigned = copy;
  CHECK(!assigned.is_utc());
  CHECK(utc_text(assigned.to_utc(local("2021-10-31", "02:30:00")).utc_seconds) == "2021-10-31T00:30:00Z");
}

TEST_CASE("zones: unknown names are errors that say what was not understood", "[core][timezone]") {
  auto bad = pm::ZoneConverter::from_name("Mars/Olympus_Mons");
  REQUIRE(!bad);
  CHECK(bad.status().kind() == pm::ErrorKind::usage);
  CHECK(bad.status().message().find("Mars/Olympus_Mons") != std::string::npos);
  CHECK(!pm::ZoneConverter::from_name("(UTC-05:00) Nowhere"));
  CHECK(!pm::ZoneConverter::from_name("Eastern Standard Tim"));
  auto empty = pm::ZoneConverter::from_name("   ");
  REQUIRE(!empty);
  CHECK(empty.status().kind() == pm::ErrorKind::usage);
}
