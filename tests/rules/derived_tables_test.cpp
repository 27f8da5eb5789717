// pm_push_attempts: console errors attach to errlog attempts (k-th to k-th per
// target and error), repeated errlog lines merge, names resolve through host
// aliases, and untimed leftovers keep their file order.
#include <catch2/catch.hpp>

#include <sstream>

#include "db/case_db.h"
#include "rules/derived_tables.h"
#include "support/paths.h"
#include "support/row_dump.h"
#include "support/run_cli.h"

namespace {

using pm::test::quote;

std::string dump_attempts(pm::db::Database& db) {
  auto st = db.prepare(
      "SELECT a.target, coalesce(h.name, '-'), a.target_written, a.seq, coalesce(a.error_id, 0), coalesce(a.hresult, ''), "
      "a.kind, a.result, a.time_basis, coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', a.time_us / 1e6, 'unixepoch'), 'untimed'), "
      "s.path, a.location FROM temp.pm_push_attempts a LEFT JOIN hosts h ON h.host_id = a.server_host_id "
      "JOIN sources s ON s.source_id = a.source_id ORDER BY a.target, a.seq");
  REQUIRE(st);
  std::ostringstream o;
  while (st->step().value()) {
    for (int i = 0; i < st->column_count(); ++i) o << (i ? " | " : "") << st->column_text(i);
    o << "\n";
  }
  return o.str();
}

}  // namespace

TEST_CASE("push attempts: console errors take the times of matching errlog attempts", "[rules][derived]") {
  pm::test::TempDir dir;
  std::string case_file = dir.str("case.db");
  auto r = pm::test::run_pm("ingest -q --year 2024 --case " + quote(case_file) + " " +
                            quote(pm::test::testdata("attempts/attach").string()));
  REQUIRE(r.exit_code == 0);
  auto c = pm::db::CaseDb::open_read_only(case_file);
  REQUIRE(c);
  REQUIRE(pm::rules::build_derived_tables(c->db()));
  std::string actual = dump_attempts(c->db());
  CHECK(actual == pm::test::golden(pm::test::testdata("attempts/attach.expected").string(), actual));

  SECTION("idempotent: building again gives the same rows") {
    REQUIRE(pm::rules::build_derived_tables(c->db()));
    CHECK(dump_attempts(c->db()) == actual);
  }
}

TEST_CASE("push attempts: an empty case gives an empty table", "[rules][derived]") {
  pm::test::TempDir dir;
  {
    auto w = pm::db::CaseDb::open_for_write(dir.str("empty.db"));
    REQUIRE(w);
  }
  auto c = pm::db::CaseDb::open_read_only(dir.str("empty.db"));
  REQUIRE(c);
  REQUIRE(pm::rules::build_derived_tables(c->db()));
  CHECK(dump_attempts(c->db()).empty());
  auto st = c->db().prepare("SELECT count(*) FROM temp.pm_firewall_profiles");
  REQUIRE(st);
  REQUIRE(st->step().value());
  CHECK(st->column_int(0) == 0);
}
