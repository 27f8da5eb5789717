// The read side of the case database (db/reader): read-only query
// preparation, the timeline cursor and its filters, the export cursor and the
// sources listing, on the hand-made case of tests/support/read_case_fixture.h.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "db/reader.h"
#include "parsers/core/hash.h"
#include "support/read_case_fixture.h"

using namespace pm;
using namespace pm::db;

namespace {

CaseDb open_guarded(const std::filesystem::path& file) {
  auto c = CaseDb::open_read_only(file);
  REQUIRE(c);
  c->db().make_read_only_guarded();
  return std::move(c.value());
}

std::vector<int64_t> timeline_ids(Database& db, const TimelineFilter& f) {
  auto cur = TimelineCursor::open(db, f);
  REQUIRE(cur);
  std::vector<int64_t> ids;
  TimelineEvent e;
  for (;;) {
    auto r = cur->next(e);
    REQUIRE(r);
    if (!r.value()) break;
    ids.push_back(e.event_id);
  }
  return ids;
}

std::string sha(const std::filesystem::path& p) {
  auto h = sha256_file(p);
  REQUIRE(h);
  return h.value();
}

}  // namespace

TEST_CASE("timeline: time order, ties by event id, untimed last by source and line", "[db][reader]") {
  test::TempDir dir;
  auto c = open_guarded(test::make_read_case(dir.path()));
  CHECK(timeline_ids(c.db(), {}) == std::vector<int64_t>{2, 1, 5, 3, 6, 4});

  auto cur = TimelineCursor::open(c.db(), {});
  REQUIRE(cur);
  TimelineEvent e;
  REQUIRE(cur->next(e).value());
  CHECK(e.event_id == 2);
  CHECK(e.time_us == test::iso_us("2021-06-22T09:00:00Z"));
  CHECK(e.host == std::optional<std::string>("DPM01"));
  CHECK(e.source_file == "dpm01/pfirewall.log");
  CHECK(e.format == "pfirewall");
  CHECK(e.event_code == std::optional<std::string>("ALLOW"));
  CHECK(e.location == 5);
  CHECK(e.flags == 1);
  for (int i = 0; i < 4; ++i) REQUIRE(cur->next(e).value());
  CHECK(e.event_id == 6);
  CHECK_FALSE(e.time_us);
  CHECK_FALSE(e.event_code);
  CHECK_FALSE(e.level);
}

TEST_CASE("timeline: host filter matches NetBIOS name, FQDN and IP address", "[db][reader]") {
  test::TempDir dir;
  auto c = open_guarded(test::make_read_case(dir.path()));
  const std::vector<int64_t> fs01 = {1, 3, 6};
  for (const char* name : {"FS01", "fs01", "FS01.contoso.COM", "10.0.0.10"}) {
    INFO(name);
    auto id = resolve_host(c.db(), name);
    REQUIRE(id);
    CHECK(id.value() == 1);
    TimelineFilter f;
    f.host_id = id.value();
    CHECK(timeline_ids(c.db(), f) == fs01);
  }
  auto dpm = resolve_host(c.db(), "10.0.0.5");
  REQUIRE(dpm);
  TimelineFilter f;
  f.host_id = dpm.value();
  CHECK(timeline_ids(c.db(), f) == std::vector<int64_t>{2, 5, 4});

  auto unknown = resolve_host(c.db(), "fs02");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.status().kind() == ErrorKind::usage);
  CHECK_THAT(unknown.status().message(), Catch::Contains("fs02") && Catch::Contains("DPM01, FS01"));
  // Exact names only: a first label that merely matches is not the host.
  CHECK_FALSE(resolve_host(c.db(), "fs01.other.org"));
}

TEST_CASE("timeline: --from/--to bounds are inclusive to the precision given", "[db][reader]") {
  CHECK(parse_time_bound("2021-06-22", false) == test::iso_us("2021-06-22T00:00:00Z"));
  CHECK(parse_time_bound("2021-06-22", true) == test::iso_us("2021-06-23T00:00:00Z") - 1);
  CHECK(parse_time_bound("2021-06-22T10:19", true) == test::iso_us("2021-06-22T10:20:00Z") - 1);
  CHECK(parse_time_bound("2021-06-22T10:19:41Z", true) == test::iso_us("2021-06-22T10:19:42Z") - 1);
  CHECK(parse_time_bound("2021-06-22T10:19:41+02:00", true) == test::iso_us("2021-06-22T08:19:42Z") - 1);
  CHECK(parse_time_bound("2021-06-22T10:19:41.5Z", true) == test::iso_us("2021-06-22T10:19:41.5Z"));
  CHECK(parse_time_bound("2021-06-22T10:19:41", false) == test::iso_us("2021-06-22T10:19:41Z"));
  CHECK_FALSE(parse_time_bound("2021-13-01", false));
  CHECK_FALSE(parse_time_bound("yesterday", true));
  CHECK_FALSE(parse_time_bound("", true));

  test::TempDir dir;
  auto c = open_guarded(test::make_read_case(dir.path()));
  TimelineFilter day;
  day.from_us = parse_time_bound("2021-06-22", false);
  day.to_us = parse_time_bound("2021-06-22", true);
  CHECK(timeline_ids(c.db(), day) == std::vector<int64_t>{2, 1, 5});  // no untimed, not the next day

  TimelineFilter upto;
  upto.to_us = parse_time_bound("2021-06-22T10:19:41", true);
  CHECK(timeline_ids(c.db(), upto) == std::vector<int64_t>{2, 1, 5});
  upto.to_us = parse_time_bound("2021-06-22T10:19:40", true);
  CHECK(timeline_ids(c.db(), upto) == std::vector<int64_t>{2});

  TimelineFilter from;
  from.from_us = parse_time_bound("2021-06-22T10:19:41Z", false);
  from.host_id = resolve_host(c.db(), "FS01").value();
  CHECK(timeline_ids(c.db(), from) == std::vector<int64_t>{1, 3});
}

TEST_CASE("timeline: the timed query streams from an index (no sort in memory)", "[db][reader]") {
  test::TempDir dir;
  auto c = open_guarded(test::make_read_case(dir.path()));
  TimelineFilter none, host, range;
  host.host_id = 1;
  range.from_us = 1;
  range.to_us = 2;
  range.host_id = 2;
  for (const auto* f : {&none, &host, &range}) {
    auto st = c.db().prepare("EXPLAIN QUERY PLAN " + timeline_timed_sql(*f));
    REQUIRE(st);
    std::string plan;
    for (auto r = st->step(); r && r.value(); r = st->step()) plan += std::string(st->column_text(3)) + "\n";
    INFO(plan);
    CHECK_THAT(plan, !Catch::Contains("TEMP B-TREE"));
    CHECK_THAT(plan, Catch::Contains("USING INDEX events_"));
  }
}

TEST_CASE("export: timed events in order with their detail fields", "[db][reader]") {
  test::TempDir dir;
  auto c = open_guarded(test::make_read_case(dir.path()));
  auto cur = ExportCursor::open(c.db());
  REQUIRE(cur);
  std::vector<ExportRow> rows;
  ExportRow row;
  for (;;) {
    auto r = cur->next(row);
    REQUIRE(r);
    if (!r.value()) break;
    rows.push_back(row);
  }
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].event_id == 2);
  CHECK(rows[1].event_id == 1);
  CHECK(rows[2].event_id == 5);
  CHECK(rows[3].event_id == 3);
  CHECK(cur->warnings().empty());

  const ExportRow& e1 = rows[1];
  CHECK(e1.datetime == "2021-06-22T10:19:41.000000Z");
  CHECK(e1.timestamp_desc == "Firewall Log Time");
  CHECK(e1.message == "DROP TCP 10.0.0.5:50432 -> 10.0.0.10:135");
  CHECK(e1.host == std::optional<std::string>("FS01"));
  CHECK(e1.source_file == "fs01/pfirewall.log");
  CHECK(e1.source_format == "pfirewall");
  CHECK(e1.location == 6);
  CHECK(e1.event_code == std::optional<std::string>("DROP"));
  std::vector<std::string> names;
  for (const auto& f : e1.fields) names.push_back(f.name);
  // No event_id, no NULL columns (tcpflags, pid, ...), table column order.
  CHECK(names == std::vector<std::string>{"local_time", "action", "protocol", "src_ip", "dst_ip", "src_port",
                                          "dst_port", "size", "path"});
  CHECK(std::get<int64_t>(e1.fields[5].value) == 50432);
  CHECK(std::get<std::string>(e1.fields[0].value) == "2021-06-22 12:19:41");

  // An invalid port kept as text stays text.
  const ExportRow& e5 = rows[2];
  CHECK(std::get<std::string>(e5.fields[5].value) == "x99");
  CHECK(e5.fields.back().name == "invalid");

  auto untimed = count_untimed_events(c.db());
  REQUIRE(untimed);
  CHECK(untimed.value() == 2);
}

TEST_CASE("export: detail table names come only from formats and must exist", "[db][reader]") {
  test::TempDir dir;
  auto file = test::make_read_case(
      dir.path(),
      "INSERT INTO formats(format, detail_table, description) VALUES ('evil', 'firewall_log\" WHERE 1; --', 'a hostile table name');"
      "INSERT INTO events(event_id, time_us, host_id, source_id, format, message, location) VALUES "
      "(7, 1, 1, 1, 'evil', 'e', 1), (8, 2, 1, 1, 'unlisted', 'u', 2), (9, 3, 1, 1, 'evil', 'e2', 3);");
  auto c = open_guarded(file);
  auto cur = ExportCursor::open(c.db());
  REQUIRE(cur);
  ExportRow row;
  std::vector<int64_t> ids;
  for (;;) {
    auto r = cur->next(row);
    REQUIRE(r);
    if (!r.value()) break;
    ids.push_back(row.event_id);
    if (row.event_id >= 7) {
      CHECK(row.fields.empty());
      CHECK(row.timestamp_desc == "Event Time");
    }
  }
  CHECK(ids == std::vector<int64_t>{7, 8, 9, 2, 1, 5, 3});
  REQUIRE(cur->warnings().size() == 2);  // one per format, not per event
  CHECK_THAT(cur->warnings()[0], Catch::Contains("evil") && Catch::Contains("not in the case"));
  CHECK_THAT(cur->warnings()[1], Catch::Contains("unlisted"));
}

TEST_CASE("sources: every source with host, zone marker and counts", "[db][reader]") {
  test::TempDir dir;
  auto c = open_guarded(test::make_read_case(dir.path()));
  auto cur = SourcesCursor::open(c.db());
  REQUIRE(cur);
  std::vector<SourceListing> all;
  SourceListing s;
  for (;;) {
    auto r = cur->next(s);
    REQUIRE(r);
    if (!r.value()) break;
    all.push_back(s);
  }
  REQUIRE(all.size() == 3);
  CHECK(all[0].host == std::optional<std::string>("FS01"));
  CHECK_FALSE(all[0].time_zone_assumed);
  CHECK(all[1].time_zone_assumed);
  CHECK(all[1].units_read == 10);
  CHECK(all[1].rows_stored + all[1].rows_rejected + all[1].header_units == all[1].units_read);
  CHECK(all[2].status == "skipped");
  CHECK(all[2].status_reason == std::optional<std::string>("no parser recognised the content"));
  CHECK_FALSE(all[2].format);
  CHECK_FALSE(all[2].time_zone_assumed);
}

TEST_CASE("query: read-only statements are prepared, several at once", "[db][reader]") {
  test::TempDir dir;
  auto c = open_guarded(test::make_read_case(dir.path()));
  auto q = prepare_read_only_query(c.db(),
                                   "-- a comment\nSELECT count(*) FROM events;\n"
                                   "WITH t AS (SELECT * FROM timeline) SELECT host FROM t WHERE event_id = 1;"
                                   " /* x */ ;");
  REQUIRE(q);
  REQUIRE(q->size() == 2);
  auto r = (*q)[0].statement.step();
  REQUIRE(r);
  REQUIRE(r.value());
  CHECK((*q)[0].statement.column_int(0) == 6);
  CHECK((*q)[1].text == "WITH t AS (SELECT * FROM timeline) SELECT host FROM t WHERE event_id = 1");
  r = (*q)[1].statement.step();
  REQUIRE(r.value());
  CHECK(std::get<std::string>(column_value((*q)[1].statement, 0)) == "FS01");

  auto empty = prepare_read_only_query(c.db(), "  -- nothing\n");
  REQUIRE_FALSE(empty);
  CHECK(empty.status().kind() == ErrorKind::usage);

  auto bad = prepare_read_only_query(c.db(), "SELECT 1; SELEC * FROM events");
  REQUIRE_FALSE(bad);
  CHECK(bad.status().kind() == ErrorKind::usage);
  CHECK_THAT(bad.status().message(), Catch::Contains("statement 2") && Catch::Contains("syntax error"));

  auto blob = prepare_read_only_query(c.db(), "SELECT X'00ff', 1.5, NULL");
  REQUIRE(blob);
  REQUIRE((*blob)[0].statement.step().value());
  CHECK(std::get<std::string>(column_value((*blob)[0].statement, 0)) == "X'00ff'");
  CHECK(std::get<double>(column_value((*blob)[0].statement, 1)) == 1.5);
  CHECK(std::holds_alternative<std::monostate>(column_value((*blob)[0].statement, 2)));
}

TEST_CASE("query: statements that could change the case are refused and it stays unchanged", "[db][reader]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  const std::string before = sha(file);
  const auto attached = dir.path() / "other.db";
  const auto vacuumed = dir.path() / "copy.db";
  {
    auto c = open_guarded(file);
    const std::vector<std::string> writes = {
        "INSERT INTO hosts(name) VALUES ('EVIL')",
        "UPDATE events SET message = 'x'",
        "DELETE FROM events",
        "DROP TABLE events",
        "CREATE TABLE t(a)",
        "CREATE TEMP TABLE t(a)",
        "CREATE INDEX i ON events(message)",
        "ATTACH DATABASE '" + attached.string() + "' AS other",
        "DETACH DATABASE main",
        "PRAGMA user_version = 5",
        "PRAGMA journal_mode = WAL",
        "PRAGMA query_only = 0",
        "VACUUM",
        "VACUUM INTO '" + vacuumed.string() + "'",
        "REINDEX",
        "ANALYZE",
        "BEGIN IMMEDIATE",
        "SELECT 1; DELETE FROM events",
        "WITH x AS (SELECT 1) INSERT INTO hosts(name) SELECT 'EVIL' FROM x",
    };
    for (const auto& sql : writes) {
      INFO(sql);
      auto q = prepare_read_only_query(c.db(), sql);
      REQUIRE_FALSE(q);
      CHECK(q.status().kind() == ErrorKind::usage);
      CHECK_THAT(q.status().message(), Catch::StartsWith("refused statement"));
    }
    // The database still answers and still has every row.
    auto q = prepare_read_only_query(c.db(), "SELECT count(*) FROM events");
    REQUIRE(q);
    REQUIRE((*q)[0].statement.step().value());
    CHECK((*q)[0].statement.column_int(0) == 6);
  }
  CHECK(sha(file) == before);
  CHECK_FALSE(std::filesystem::exists(attached));
  CHECK_FALSE(std::filesystem::exists(vacuumed));
  CHECK_FALSE(std::filesystem::exists(file.string() + "-journal"));
}

TEST_CASE("statement_excerpt and describe_event_flags", "[db][reader]") {
  CHECK(statement_excerpt("  SELECT *\n  FROM events ;  ") == "SELECT * FROM events");
  CHECK(statement_excerpt(std::string(100, 'a'), 10) == "aaaaaaaaaa...");
  CHECK(describe_event_flags(0).empty());
  CHECK(describe_event_flags(1 | 16) == "zone-unknown,out-of-order");
  CHECK(describe_event_flags(64) == "bit6");
}
