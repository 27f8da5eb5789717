// Output formatting (cli/output) and the read commands (query, sources,
// timeline, export) run in-process on the case of
// tests/support/read_case_fixture.h, with standard output and error captured.
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "parsers/core/hash.h"
#include "support/read_case_fixture.h"

using namespace pm;
using namespace pm::cli;

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `pushmortem ARGS...` in-process with only the read commands registered.
Run run_command(const std::vector<std::string>& args) {
  CLI::App app{"pushmortem", "pushmortem"};
  app.require_subcommand(1);
  CommandState state;
  add_query_command(app, state);
  add_sources_command(app, state);
  add_timeline_command(app, state);
  add_export_command(app, state);
  std::vector<const char*> argv = {"pushmortem"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  Run run;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    run.exit_code = state.exit_code;
  } catch (const CLI::ParseError& e) {
    run.exit_code = e.get_exit_code() == 0 ? kExitOk : kExitUsage;
    err << e.what();
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

std::vector<std::string> lines_of(const std::string& text, const std::string& sep = "\n") {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + sep.size();
  }
  return lines;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

// ------------------------------------------------------------ formatting

TEST_CASE("JSON strings escape quotes, backslashes and control characters", "[cli][output]") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("say \"hi\" C:\\dir") == R"("say \"hi\" C:\\dir")");
  CHECK(json_string("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  CHECK(json_string(std::string("nul\0x\x01\x1f\x7f", 8)) == "\"nul\\u0000x\\u0001\\u001f\x7f\"");
  CHECK(json_string("\x1b[31mred") == R"("\u001b[31mred")");
  // Non-ASCII UTF-8 is kept as is; bytes that are not UTF-8 become U+FFFD escapes.
  CHECK(json_string("Zürich ✓ 日本 😀") == "\"Zürich ✓ 日本 😀\"");
  CHECK(json_string("bad \xff\xc3 end") == R"("bad \ufffd\ufffd end")");
  CHECK(json_string("\xc0\xaf") == R"("\ufffd\ufffd")");      // overlong '/'
  CHECK(json_string("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");  // a surrogate
}

TEST_CASE("JSON values and objects", "[cli][output]") {
  std::string s;
  append_json_value(s, db::SqlValue{});
  s += ' ';
  append_json_value(s, db::SqlValue{int64_t{-42}});
  s += ' ';
  append_json_value(s, db::SqlValue{0.5});
  s += ' ';
  append_json_value(s, db::SqlValue{std::string("x\"y")});
  CHECK(s == R"(null -42 0.5 "x\"y")");

  std::string o;
  JsonObject(o).text("a", "b").number_or_null("n", std::optional<int64_t>{}).boolean("t", true).close();
  CHECK(o == R"({"a":"b","n":null,"t":true})");

  std::vector<db::ExportField> fields = {{"action", std::string("DROP")}, {"src_port", int64_t{50432}}};
  CHECK(json_fields_object(fields) == R"({"action":"DROP","src_port":50432})");
  CHECK(json_fields_object({}) == "{}");
}

TEST_CASE("CSV fields follow RFC 4180", "[cli][output]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("line1\nline2") == "\"line1\nline2\"");
  CHECK(csv_field("cr\rhere") == "\"cr\rhere\"");
  CHECK(csv_field(" padded") == "\" padded\"");
  std::string row;
  append_csv_row(row, {"a", "b,c", "", "d\"e"});
  CHECK(row == "a,\"b,c\",,\"d\"\"e\"\r\n");
}

TEST_CASE("terminal text is one safe line; widths count columns", "[cli][output]") {
  CHECK(one_line("a\nb\tc\rd") == "a\\nb\\tc\\rd");
  CHECK(one_line("\x1b[2Jgone") == "\\x1b[2Jgone");
  CHECK(one_line("x\xc2\x9by") == "x\\u009by");         // C1 CSI
  CHECK(one_line("abc\xe2\x80\xae" "cba") == "abc\\u202ecba");  // right-to-left override
  CHECK(one_line("ok \xff") == "ok \xEF\xBF\xBD");
  CHECK(display_width("abc") == 3);
  CHECK(display_width("Zürich") == 6);
  CHECK(display_width("日本") == 4);
  CHECK(display_width("e\xcc\x81") == 1);  // e + combining acute
  CHECK(fit_cell("short", 10) == "short");
  CHECK(fit_cell("abcdefghijkl", 10) == "abcdefghi…");
  CHECK(display_width(fit_cell(std::string(200, 'x'), 60)) == 60);
  CHECK(fit_cell("日本語日本語", 5) == "日本…");
  CHECK(fit_cell(std::string(200, 'x'), 0).size() == 200);
}

TEST_CASE("table writer aligns columns, caps wide cells and streams", "[cli][output]") {
  std::ostringstream out;
  {
    TableWriter t(out, {"id", "name", "note"}, {true, false, false});
    t.add_row({"1", "FS01", ""});
    t.add_row({"22", "Zürich", "x"});
    t.add_rule();
    t.add_row({"23", "", "total"});
  }
  CHECK(out.str() ==
        "id  name    note\n"
        "--  ------  -----\n"
        " 1  FS01\n"
        "22  Zürich  x\n"
        "--  ------  -----\n"
        "23          total\n");

  std::ostringstream wide;
  {
    TableWriter t(wide, {"v"});
    t.add_row({std::string(100, 'w')});
  }
  CHECK(wide.str() == "v\n" + std::string(60, '-') + "\n" + std::string(59, 'w') + "…\n");

  std::ostringstream streamed;
  {
    TableWriter t(streamed, {"a", "b"}, {}, TableWriter::Options{60, 2});
    t.add_row({"1", "x"});
    t.add_row({"2", "y"});
    t.add_row({"333", "z"});  // after the buffer: widths are fixed, the line shifts
    CHECK(t.rows() == 3);
  }
  CHECK(streamed.str() == "a  b\n-  -\n1  x\n2  y\n333  z\n");
}

// -------------------------------------------------------------- commands

TEST_CASE("export jsonl: Timesketch shape, exact row, untimed events counted", "[cli][output]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  auto out_file = dir.path() / "out.jsonl";
  Run r = run_command({"export", "--case", file.string(), "--format", "jsonl", "-o", out_file.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == kExitOk);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("2 untimed events not exported (Timesketch needs a time)"));
  auto lines = lines_of(read_file(out_file));
  REQUIRE(lines.size() == 4);
  CHECK(lines[1] ==
        R"({"message":"DROP TCP 10.0.0.5:50432 -> 10.0.0.10:135","datetime":"2021-06-22T10:19:41.000000Z",)"
        R"("timestamp_desc":"Firewall Log Time","host":"FS01","source_file":"fs01/pfirewall.log",)"
        R"("source_format":"pfirewall","location":6,"event_code":"DROP","fields":{"local_time":"2021-06-22 12:19:41",)"
        R"("action":"DROP","protocol":"TCP","src_ip":"10.0.0.5","dst_ip":"10.0.0.10","src_port":50432,"dst_port":135,)"
        R"("size":0,"path":"RECEIVE"}})");
  CHECK_THAT(lines[2], Catch::StartsWith(R"({"message":"ALLOW \"svc\", first\nsecond","datetime")"));
  CHECK_THAT(lines[2], Catch::Contains(R"("src_port":"x99")"));
}

TEST_CASE("export csv: header, quoting, fields as JSON text", "[cli][output]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  Run r = run_command({"export", "--case", file.string(), "--format", "csv"});
  INFO(r.err);
  REQUIRE(r.exit_code == kExitOk);
  CHECK_THAT(r.out, Catch::StartsWith("message,datetime,timestamp_desc,host,source_file,source_format,location,"
                                      "event_code,fields\r\n"));
  CHECK_THAT(r.out, Catch::Contains("\r\n\"ALLOW \"\"svc\"\", first\nsecond\",2021-06-22T10:19:41.000000Z,"
                                    "Firewall Log Time,DPM01,dpm01/pfirewall.log,pfirewall,8,ALLOW,"
                                    "\"{\"\"local_time\"\":\"\"2021-06-22 10:19:41\"\","));
  CHECK(lines_of(r.out, "\r\n").size() == 5);
}

TEST_CASE("export ecs: nested ECS fields; invalid firewall values kept apart as strings", "[cli][output][export]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  Run r = run_command({"export", "--case", file.string(), "--format", "ecs"});
  INFO(r.err);
  REQUIRE(r.exit_code == kExitOk);
  CHECK_THAT(r.err, Catch::Contains("2 untimed events not exported (an ECS document needs @timestamp)"));
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] ==
        R"({"@timestamp":"2021-06-22T09:00:00.000000Z","message":"ALLOW UDP 10.0.0.5:53 -> 10.0.0.1:53",)"
        R"("ecs":{"version":"8.11.0"},"event":{"kind":"event","module":"pushmortem","dataset":"pushmortem.pfirewall",)"
        R"("code":"ALLOW","action":"allow","category":["network"],"type":["connection","allowed"]},)"
        R"("host":{"name":"DPM01"},"log":{"file":{"path":"dpm01/pfirewall.log"},"level":"info"},)"
        R"("source":{"ip":"10.0.0.5","port":53},"destination":{"ip":"10.0.0.1","port":53},)"
        R"("network":{"type":"ipv4","transport":"udp","iana_number":"17","direction":"egress"},)"
        R"("process":{"pid":4242},"pushmortem":{"location":5,"byte_offset":300,"timestamp_desc":"Firewall Log Time",)"
        R"("pfirewall":{"local_time":"2021-06-22 09:00:00","size":0}}})");
  // Event 5: src_port "x99" was invalid: no source.port, the text under invalid_values.
  CHECK_THAT(lines[2], Catch::Contains(R"("message":"ALLOW \"svc\", first\nsecond")"));
  CHECK_THAT(lines[2], Catch::Contains(R"("source":{"ip":"10.0.0.5"},"destination":{"ip":"10.0.0.10","port":135})"));
  CHECK_THAT(lines[2], Catch::EndsWith(R"("pfirewall":{"local_time":"2021-06-22 10:19:41",)"
                                       R"("invalid_values":{"src_port":"x99"},"size":0,"invalid":"src_port"}}})"));
  CHECK_THAT(lines[3], Catch::Contains(R"("event":{"kind":"event","module":"pushmortem","dataset":"pushmortem.pfirewall",)"
                                       R"("code":"DROP","action":"drop","category":["network"],"type":["connection","denied"]})"));
  CHECK_THAT(lines[3], Catch::Contains(R"("direction":"ingress")"));
}

TEST_CASE("export refuses to overwrite the case file", "[cli][output]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  auto before = sha256_file(file).value();
  Run r = run_command({"export", "--case", file.string(), "-o", file.string()});
  CHECK(r.exit_code == kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("is the case file itself"));
  CHECK(sha256_file(file).value() == before);
}

TEST_CASE("timeline text and jsonl", "[cli][output]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  Run r = run_command({"timeline", "--case", file.string(), "--host", "fs01.contoso.com"});
  INFO(r.err);
  REQUIRE(r.exit_code == kExitOk);
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "2021-06-22T10:19:41.000000Z  FS01   pfirewall  fs01/pfirewall.log:6   DROP  "
                    "DROP TCP 10.0.0.5:50432 -> 10.0.0.10:135");
  CHECK(lines[2] == "(untimed)                    FS01   pfirewall  fs01/pfirewall.log:2   -     no time here");

  r = run_command({"timeline", "--case", file.string(), "--host", "10.0.0.5", "--from", "2021-06-22T10:00:00Z"});
  REQUIRE(r.exit_code == kExitOk);
  lines = lines_of(r.out);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::EndsWith("ALLOW \"svc\", first\\nsecond  [zone-unknown]"));

  r = run_command({"timeline", "--case", file.string(), "--format", "jsonl", "--to", "2021-06-22"});
  REQUIRE(r.exit_code == kExitOk);
  lines = lines_of(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        R"({"datetime":"2021-06-22T09:00:00.000000Z","time_us":1624352400000000,"host":"DPM01",)"
        R"("source_file":"dpm01/pfirewall.log","format":"pfirewall","event_code":"ALLOW","level":"info",)"
        R"("message":"ALLOW UDP 10.0.0.5:53 -> 10.0.0.1:53","location":5,"flags":1})");

  r = run_command({"timeline", "--case", file.string(), "--format", "jsonl"});
  lines = lines_of(r.out);
  REQUIRE(lines.size() == 6);
  CHECK(lines[4] ==
        R"({"datetime":null,"time_us":null,"host":"FS01","source_file":"fs01/pfirewall.log","format":"pfirewall",)"
        R"("event_code":null,"level":null,"message":"no time here","location":2,"flags":0})");
}

TEST_CASE("timeline reports bad arguments as usage errors", "[cli][output]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  Run r = run_command({"timeline", "--case", file.string(), "--from", "22/06/2021"});
  CHECK(r.exit_code == kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("invalid --from value \"22/06/2021\""));
  r = run_command({"timeline", "--case", file.string(), "--from", "2021-06-23", "--to", "2021-06-22"});
  CHECK(r.exit_code == kExitUsage);
  r = run_command({"timeline", "--case", file.string(), "--host", "nosuchhost"});
  CHECK(r.exit_code == kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("no host named \"nosuchhost\"") && Catch::Contains("DPM01, FS01"));
  r = run_command({"timeline", "--case", (dir.path() / "missing.db").string()});
  CHECK(r.exit_code == kExitInput);
  CHECK_THAT(r.err, Catch::Contains("no case file at") && Catch::Contains("pushmortem ingest"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "missing.db"));
}

TEST_CASE("query prints table, csv and json", "[cli][output]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  const std::string sql = "SELECT event_id, host, event_code, message FROM timeline WHERE event_id IN (1, 6) "
                          "ORDER BY event_id";
  Run r = run_command({"query", "--case", file.string(), sql});
  INFO(r.err);
  REQUIRE(r.exit_code == kExitOk);
  CHECK(r.out ==
        "event_id  host  event_code  message\n"
        "--------  ----  ----------  ----------------------------------------\n"
        "       1  FS01  DROP        DROP TCP 10.0.0.5:50432 -> 10.0.0.10:135\n"
        "       6  FS01              no time here\n"
        "(2 rows)\n");

  r = run_command({"query", "--case", file.string(), "--format", "csv", sql});
  REQUIRE(r.exit_code == kExitOk);
  CHECK(r.out == "event_id,host,event_code,message\r\n1,FS01,DROP,DROP TCP 10.0.0.5:50432 -> 10.0.0.10:135\r\n"
                 "6,FS01,,no time here\r\n");

  r = run_command({"query", "--case", file.string(), "--format", "json",
                   "SELECT event_id, event_code, message, 1.5 AS r, event_id FROM events WHERE event_id IN (5, 6)"});
  REQUIRE(r.exit_code == kExitOk);
  CHECK(r.out == "[\n"
                 R"({"event_id":5,"event_code":"ALLOW","message":"ALLOW \"svc\", first\nsecond",)"
                 R"("r":1.5,"event_id_2":5},)"
                 "\n"
                 R"({"event_id":6,"event_code":null,"message":"no time here","r":1.5,"event_id_2":6})"
                 "\n]\n");

  r = run_command({"query", "--case", file.string(), "--format", "json", "SELECT 1 WHERE 0"});
  CHECK(r.out == "[]\n");
}

TEST_CASE("query refuses writes with exit code 2 and leaves the case unchanged", "[cli][output]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  const auto before = sha256_file(file).value();
  for (std::string sql : {"INSERT INTO hosts(name) VALUES ('EVIL')", "DROP TABLE events",
                          "ATTACH DATABASE 'x.db' AS x", "PRAGMA user_version=5", "CREATE TEMP TABLE t(a)",
                          "SELECT count(*) FROM events; DELETE FROM events"}) {
    INFO(sql);
    Run r = run_command({"query", "--case", file.string(), sql});
    CHECK(r.exit_code == kExitUsage);
    CHECK_THAT(r.err, Catch::StartsWith("pushmortem query: refused statement"));
    CHECK(r.out.empty());  // nothing ran, not even the SELECT before the DELETE
  }
  Run bad = run_command({"query", "--case", file.string(), "SELECT nosuchcolumn FROM events"});
  CHECK(bad.exit_code == kExitUsage);
  CHECK_THAT(bad.err, Catch::Contains("no such column: nosuchcolumn"));
  CHECK(sha256_file(file).value() == before);
  CHECK_FALSE(std::filesystem::exists("x.db"));
}

TEST_CASE("sources table, csv and json", "[cli][output]") {
  test::TempDir dir;
  auto file = test::make_read_case(dir.path());
  Run r = run_command({"sources", "--case", file.string()});
  INFO(r.out + r.err);
  REQUIRE(r.exit_code == kExitOk);
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 9);
  CHECK(lines[0] == "id  status    format     host   time zone      read  stored  rejected  headers  path"
                    "                 reason");
  CHECK(lines[3] == " 2  ingested  pfirewall  DPM01  UTC (assumed)    10       3         1        6  "
                    "dpm01/pfirewall.log");
  CHECK(lines[4] == " 3  skipped              DPM01                    0       0         0        0  "
                    "dpm01/readme.txt     no parser recognised the content");
  CHECK(lines[6] == "    total                                        19       6         1       12");
  CHECK(lines[7] == "3 sources: 2 ingested, 1 skipped");
  CHECK_THAT(r.out, Catch::Contains("(assumed): no time zone was known"));

  r = run_command({"sources", "--case", file.string(), "--format", "csv"});
  REQUIRE(r.exit_code == kExitOk);
  auto rows = lines_of(r.out, "\r\n");
  REQUIRE(rows.size() == 4);
  CHECK_THAT(rows[0], Catch::StartsWith("id,parent_id,bundle,path,status,status_reason,format,sniff_score,"
                                        "sniff_reason,encoding,host,host_reason,time_zone,time_zone_assumed,"
                                        "time_zone_reason,"));
  CHECK_THAT(rows[2], Catch::Contains(",UTC,true,unknown: UTC assumed,line,10,3,1,6,2021-06-22T09:00:00.000000Z,"));

  r = run_command({"sources", "--case", file.string(), "--format", "json"});
  REQUIRE(r.exit_code == kExitOk);
  CHECK_THAT(r.out, Catch::StartsWith("[\n{\"id\":1,\"parent_id\":null,\"bundle\":\"/evidence\","));
  CHECK_THAT(r.out,
             Catch::Contains(R"("status":"skipped","status_reason":"no parser recognised the content","format":null)"));
  CHECK_THAT(r.out, Catch::EndsWith("}\n]\n"));
}
