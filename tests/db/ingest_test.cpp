// db::ingest through the library (the CLI tests cover the command line).
#include <catch2/catch.hpp>

#include "db/ingest.h"
#include "support/paths.h"
#include "support/run_cli.h"

using namespace pm;

namespace {
int64_t count(db::CaseDb& c, const char* sql) {
  auto st = c.db().prepare(sql);
  REQUIRE(st);
  REQUIRE(st->step().value());
  return st->column_int(0);
}
}  // namespace

TEST_CASE("two ingests on one open case both store their rows", "[db][ingest]") {
  test::TempDir tmp;
  auto c = db::CaseDb::open_for_write(tmp.path / "case.db");
  REQUIRE(c);
  db::IngestOptions first;
  first.paths = {test::testdata("bundles/kb2981833/fs01.contoso.com/pfirewall.log")};
  first.tz = "UTC";
  auto r1 = db::ingest(c.value(), first);
  REQUIRE(r1);
  CHECK(r1->rows_stored == 10);
  db::IngestOptions second;
  second.paths = {test::testdata("bundles/kb2981833/dpm01.contoso.com")};
  auto r2 = db::ingest(c.value(), second);
  REQUIRE(r2);
  CHECK(r2->ingested == 2);
  CHECK(count(c.value(), "SELECT count(*) FROM firewall_log") == 10);
  CHECK(count(c.value(), "SELECT count(*) FROM push_errors") == 2);
  CHECK(count(c.value(), "SELECT count(*) FROM events") == 12);
  // Event ids are unique and every detail row points at an event.
  CHECK(count(c.value(), "SELECT count(*) FROM push_errors WHERE event_id NOT IN (SELECT event_id FROM events)") == 0);
  CHECK(count(c.value(), "SELECT count(DISTINCT event_id) FROM events") == 12);
}
