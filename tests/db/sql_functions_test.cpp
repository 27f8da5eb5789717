// The SQL functions every connection gets (db/sql_functions.h): pm_regexp
// (RE2, compiled once per statement, errors carry RE2's message) and pm_cidr
// (IPv4 and IPv6 networks), plus the address helpers behind pm_cidr.
#include <catch2/catch.hpp>

#include <string>

#include "db/sql_functions.h"
#include "db/sqlite.h"

using namespace pm;
using namespace pm::db;

namespace {

Database memory_db() {
  auto db = Database::open(":memory:", OpenMode::read_write_create);
  REQUIRE(db);
  return std::move(db.value());
}

// Evaluates `sql` (one row, one integer column) with two text parameters.
int64_t eval2(Database& db, const std::string& sql, const std::string& a, const std::string& b) {
  auto st = db.prepare(sql);
  REQUIRE(st);
  st->bind(1, a);
  st->bind(2, b);
  auto r = st->step();
  REQUIRE(r);
  REQUIRE(r.value());
  REQUIRE_FALSE(st->is_null(0));
  return st->column_int(0);
}

}  // namespace

TEST_CASE("pm_regexp: partial match, flags and NULL", "[db][sql_functions]") {
  Database db = memory_db();
  const std::string q = "SELECT pm_regexp(?1, ?2)";
  CHECK(eval2(db, q, "Error 3(19|47)", "DPM Error 319: blocked") == 1);
  CHECK(eval2(db, q, "Error 3(19|47)", "DPM Error 320") == 0);
  CHECK(eval2(db, q, "^dpm", "DPM agent") == 0);
  CHECK(eval2(db, q, "(?i)^dpm", "DPM agent") == 1);
  CHECK(eval2(db, q, "^b", "a\nb") == 0);
  CHECK(eval2(db, q, "(?m)^b", "a\nb") == 1);
  CHECK(eval2(db, q, "a.b", "a\nb") == 0);
  CHECK(eval2(db, q, "(?s)a.b", "a\nb") == 1);

  auto st = db.prepare("SELECT pm_regexp('x', NULL), pm_regexp(NULL, 'x'), pm_regexp('^7$', 7)");
  REQUIRE(st);
  REQUIRE(st->step().value());
  CHECK(st->column_int(0) == 0);
  CHECK(st->column_int(1) == 0);
  CHECK(st->column_int(2) == 1);  // integers are matched as their decimal text
}

TEST_CASE("pm_regexp: one pattern over many rows, distinct patterns per row", "[db][sql_functions]") {
  Database db = memory_db();
  REQUIRE(db.exec("CREATE TABLE t(p TEXT, v TEXT); INSERT INTO t VALUES ('^a', 'abc'), ('^a', 'bca'), ('c$', 'abc'), "
                  "('c$', 'cab'), ('^a', 'a')"));
  auto st = db.prepare("SELECT group_concat(pm_regexp('^a', v), ''), group_concat(pm_regexp(p, v), '') FROM t");
  REQUIRE(st);
  REQUIRE(st->step().value());
  CHECK(st->column_text(0) == "10101");
  CHECK(st->column_text(1) == "10101");
}

TEST_CASE("pm_regexp: a bad pattern is an SQL error with RE2's message", "[db][sql_functions]") {
  Database db = memory_db();
  auto st = db.prepare("SELECT pm_regexp(?1, 'abc')");
  REQUIRE(st);
  st->bind(1, "a(b");
  auto r = st->step();
  REQUIRE_FALSE(r);
  CHECK_THAT(r.status().message(), Catch::Contains("pm_regexp") && Catch::Contains("a(b") &&
                                       Catch::Contains("missing )"));
}

TEST_CASE("pm_cidr: IPv4 and IPv6 networks", "[db][sql_functions]") {
  Database db = memory_db();
  const std::string q = "SELECT pm_cidr(?1, ?2)";
  CHECK(eval2(db, q, "10.0.0.21", "10.0.0.0/8") == 1);
  CHECK(eval2(db, q, "11.0.0.21", "10.0.0.0/8") == 0);
  CHECK(eval2(db, q, "192.168.1.130", "192.168.1.128/25") == 1);
  CHECK(eval2(db, q, "192.168.1.127", "192.168.1.128/25") == 0);
  CHECK(eval2(db, q, "192.168.1.127", "192.168.1.1/24") == 1);  // host bits ignored
  CHECK(eval2(db, q, "8.8.8.8", "0.0.0.0/0") == 1);
  CHECK(eval2(db, q, "10.0.0.5", "10.0.0.5") == 1);
  CHECK(eval2(db, q, "10.0.0.6", "10.0.0.5") == 0);
  CHECK(eval2(db, q, "fe80::1c2:3%12", "fe80::/10") == 1);
  CHECK(eval2(db, q, "fec0::1", "fe80::/10") == 0);
  CHECK(eval2(db, q, "2001:db8:0:1::7", "2001:DB8::/32") == 1);
  CHECK(eval2(db, q, "2001:db9::7", "2001:db8::/32") == 0);
  CHECK(eval2(db, q, "::ffff:10.1.2.3", "10.0.0.0/8") == 1);
  CHECK(eval2(db, q, "10.1.2.3", "::ffff:0:0/96") == 0);  // an IPv4 value is not in an IPv6 network
  CHECK(eval2(db, q, "10.0.0.256", "10.0.0.0/8") == 0);
  CHECK(eval2(db, q, "010.0.0.1", "10.0.0.0/8") == 0);
  CHECK(eval2(db, q, "fs01.contoso.com", "10.0.0.0/8") == 0);
  CHECK(eval2(db, q, "", "::/0") == 0);

  auto st = db.prepare("SELECT pm_cidr(NULL, '10.0.0.0/8'), pm_cidr('10.0.0.1', NULL)");
  REQUIRE(st);
  REQUIRE(st->step().value());
  CHECK(st->column_int(0) == 0);
  CHECK(st->column_int(1) == 0);
}

TEST_CASE("pm_cidr: a bad network is an SQL error naming it", "[db][sql_functions]") {
  Database db = memory_db();
  for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "fe80::/129", "host/8", "10.0.0.0/"}) {
    INFO(bad);
    auto st = db.prepare("SELECT pm_cidr('10.0.0.1', ?1)");
    REQUIRE(st);
    st->bind(1, bad);
    auto r = st->step();
    REQUIRE_FALSE(r);
    CHECK_THAT(r.status().message(), Catch::Contains("pm_cidr") && Catch::Contains(bad));
  }
}

TEST_CASE("address helpers: parse and contain", "[db][sql_functions]") {
  auto a = parse_ip_address("1:2:3:4:5:6:7:8");
  REQUIRE(a);
  CHECK(a->v6);
  CHECK(a->bytes[15] == 8);
  CHECK(parse_ip_address("::"));
  CHECK(parse_ip_address("1::"));
  CHECK(parse_ip_address("::1.2.3.4"));
  CHECK_FALSE(parse_ip_address("1:2:3:4:5:6:7:8:9"));
  CHECK_FALSE(parse_ip_address("1::2::3"));
  CHECK_FALSE(parse_ip_address("1.2.3.4::"));
  CHECK_FALSE(parse_ip_address(":1::"));
  CHECK_FALSE(parse_ip_address("12345::"));
  CHECK_FALSE(parse_ip_address("1.2.3"));
  auto n = parse_cidr("172.16.0.0/12");
  REQUIRE(n);
  CHECK(n->prefix == 12);
  CHECK(network_contains(*n, *parse_ip_address("172.31.255.255")));
  CHECK_FALSE(network_contains(*n, *parse_ip_address("172.32.0.0")));
}
