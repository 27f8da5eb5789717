// Clock offsets from connections seen in both firewall logs (testdata/clock/
// skew90: fs01's clock runs 90 s ahead of dpm01's; one row logged a second
// late), and --skew overriding the estimate.
#include <catch2/catch.hpp>

#include "db/case_db.h"
#include "parsers/core/time_util.h"
#include "rules/explain/clock.h"
#include "support/paths.h"
#include "support/run_cli.h"

namespace {

struct ClockCase {
  pm::test::TempDir dir;
  std::optional<pm::db::CaseDb> db;
  int64_t server = 0, target = 0;
  ClockCase() {
    auto r = pm::test::run_pm("ingest -q --tz UTC --case " + pm::test::quote(dir.str("c.db")) + " " +
                              pm::test::quote(pm::test::testdata("clock/skew90").string()));
    REQUIRE(r.exit_code == 0);
    auto c = pm::db::CaseDb::open_read_only(dir.str("c.db"));
    REQUIRE(c);
    db.emplace(std::move(*c));
    auto st = db->db().prepare("SELECT host_id, name FROM hosts");
    REQUIRE(st);
    while (st->step().value()) (st->column_text(1) == "dpm01.contoso.com" ? server : target) = st->column_int(0);
    REQUIRE(server != 0);
    REQUIRE(target != 0);
  }
};

int64_t at(const char* iso) { return pm::parse_iso8601_us(iso).value(); }

}  // namespace

TEST_CASE("clock: the median offset of connections seen on both hosts", "[rules][clock]") {
  ClockCase c;
  pm::rules::ClockTable clocks(c.db->db(), {});
  auto off = clocks.offset(c.server, c.target, at("2024-03-12T14:00:00Z"), at("2024-03-12T14:30:00Z"));
  REQUIRE(off);
  REQUIRE(off->has_value());
  CHECK((*off)->offset_us == 90'000'000);
  CHECK((*off)->basis.find("6 connections") != std::string::npos);

  SECTION("the reference host is its own clock") {
    auto self = clocks.offset(c.server, c.server, 0, 1);
    REQUIRE(self);
    CHECK((*self)->offset_us == 0);
  }
}

TEST_CASE("clock: nothing to compare outside the window", "[rules][clock]") {
  ClockCase c;
  pm::rules::ClockTable clocks(c.db->db(), {});
  auto off = clocks.offset(c.server, c.target, at("2024-03-13T00:00:00Z"), at("2024-03-13T01:00:00Z"));
  REQUIRE(off);
  CHECK_FALSE(off->has_value());
}

TEST_CASE("clock: --skew wins over the estimate", "[rules][clock]") {
  ClockCase c;
  pm::rules::ClockTable clocks(c.db->db(), {{c.target, -30'000'000}});
  auto off = clocks.offset(c.server, c.target, at("2024-03-12T14:00:00Z"), at("2024-03-12T14:30:00Z"));
  REQUIRE(off);
  CHECK((*off)->offset_us == -30'000'000);
  CHECK((*off)->basis == "--skew");
}
