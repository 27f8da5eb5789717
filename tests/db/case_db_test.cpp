// CaseDb: schema creation, versioning, host identity.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "db/case_db.h"
#include "support/run_cli.h"

using namespace pm;
using namespace pm::db;

TEST_CASE("a new case gets the schema and the current version", "[db][case]") {
  test::TempDir tmp;
  auto c = CaseDb::open_for_write(tmp.path / "c.db");
  REQUIRE(c);
  CHECK(c->db().user_version() == kSchemaVersion);
  auto st = c->db().prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('events', 'sources', 'firewall_log', "
                            "'hosts', 'host_aliases', 'host_facts', 'rejected', 'firewall_profiles', 'firewall_rules', "
                            "'formats', 'timeline', 'events_host_time')");
  REQUIRE(st);
  REQUIRE(st->step().value());
  CHECK(st->column_int(0) == 12);
}

TEST_CASE("a case from a newer pushmortem is refused with a clear message", "[db][case]") {
  test::TempDir tmp;
  auto path = tmp.path / "c.db";
  {
    auto c = CaseDb::open_for_write(path);
    REQUIRE(c);
    REQUIRE(c->db().set_user_version(kSchemaVersion + 1));
  }
  auto w = CaseDb::open_for_write(path);
  REQUIRE_FALSE(w);
  CHECK(w.status().kind() == ErrorKind::conflict);
  CHECK(w.status().message().find("newer pushmortem") != std::string::npos);
  auto r = CaseDb::open_read_only(path);
  REQUIRE_FALSE(r);
  CHECK(r.status().kind() == ErrorKind::conflict);
}

TEST_CASE("an SQLite file that is not a case, and a non-SQLite file, are refused", "[db][case]") {
  test::TempDir tmp;
  {
    auto other = Database::open(tmp.path / "other.db", OpenMode::read_write_create);
    REQUIRE(other);
    REQUIRE(other->exec("CREATE TABLE x(a)"));
  }
  auto c = CaseDb::open_for_write(tmp.path / "other.db");
  REQUIRE_FALSE(c);
  CHECK(c.status().message().find("not a pushmortem case") != std::string::npos);
  std::ofstream(tmp.path / "text.db") << "this is not a database at all, just some text that is long enough\n";
  auto t = CaseDb::open_for_write(tmp.path / "text.db");
  CHECK_FALSE(t);
  auto missing = CaseDb::open_read_only(tmp.path / "missing.db");
  REQUIRE_FALSE(missing);
  CHECK(missing.status().message().find("pushmortem ingest") != std::string::npos);
}

TEST_CASE("host names, FQDNs and addresses resolve to one host", "[db][case][hosts]") {
  test::TempDir tmp;
  auto c = CaseDb::open_for_write(tmp.path / "c.db");
  REQUIRE(c);
  auto fs01 = c->ensure_host("fs01.contoso.com", std::nullopt);
  REQUIRE(fs01);
  CHECK(c->find_host("FS01") == fs01.value());          // NetBIOS label learnt from the FQDN
  CHECK(c->find_host("fs01.CONTOSO.com") == fs01.value());  // case-insensitive
  REQUIRE(c->add_alias(fs01.value(), "10.0.0.21", "ip", std::nullopt));
  CHECK(c->find_host("10.0.0.21") == fs01.value());
  CHECK_FALSE(c->find_host("fs02").has_value());
  // A NetBIOS-only host learns its FQDN later instead of becoming a second host.
  auto sql = c->ensure_host("SQL01", std::nullopt);
  REQUIRE(sql);
  auto again = c->ensure_host("sql01.contoso.com", std::nullopt);
  REQUIRE(again);
  CHECK(again.value() == sql.value());
  CHECK(c->find_host("sql01.contoso.com") == sql.value());
  // A different domain with the same label is a different machine once the first has an FQDN.
  auto other = c->ensure_host("sql01.fabrikam.com", std::nullopt);
  REQUIRE(other);
  CHECK(other.value() != sql.value());
  CHECK(host_name_kind("10.0.0.1") == "ip");
  CHECK(host_name_kind("fe80::1") == "ip");
  CHECK(host_name_kind("a.b") == "fqdn");
  CHECK(host_name_kind("FS01") == "netbios");
}

TEST_CASE("a case from schema 1 is migrated on open, rows intact", "[db][case][migration]") {
  test::TempDir tmp;
  auto path = tmp.path / "old.db";
  {
    std::ifstream in(test::testdata("cases/schema_v1_case.sql"));
    std::stringstream sql;
    sql << in.rdbuf();
    auto raw = Database::open(path, OpenMode::read_write_create);
    REQUIRE(raw);
    REQUIRE(raw->exec(sql.str()));
    REQUIRE(raw->user_version() == 1);
  }
  auto ro = CaseDb::open_read_only(path);  // read-only commands ask for a migration first
  REQUIRE_FALSE(ro);
  CHECK(ro.status().message().find("migrate") != std::string::npos);
  auto c = CaseDb::open_for_write(path);
  REQUIRE(c);
  CHECK(c->db().user_version() == kSchemaVersion);
  auto count = [&](const char* sql) {
    auto st = c->db().prepare(sql);
    REQUIRE(st);
    REQUIRE(st->step().value());
    return st->column_int(0);
  };
  CHECK(count("SELECT count(*) FROM events") == 10);
  CHECK(count("SELECT count(*) FROM firewall_log") == 10);
  CHECK(count("SELECT count(*) FROM sources WHERE time_basis IS NULL") == 1);
  CHECK(count("SELECT count(*) FROM sqlite_master WHERE name IN ('dpm_trace', 'installs', 'push_errors', "
              "'win_events', 'win_event_data', 'push_attempts', 'msi_log')") == 7);
  CHECK(count("SELECT count(*) FROM formats WHERE format = 'pfirewall' AND timestamp_desc = 'Firewall Log Time'") == 1);
  CHECK(count("SELECT count(*) FROM timeline") == 10);
}
