// Tests for the pfirewall.log parser (parsers/firewall/pfirewall_parser.cpp).
// Fixtures: testdata/pfirewall/<case>.log with golden dumps <case>.expected
// (PM_UPDATE_GOLDEN=1 rewrites them; review the diff). The shared corpus is
// tested in pfirewall_corpus_test.cpp.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "parsers/core/time_util.h"
#include "parsers/firewall/pfirewall_parser.h"
#include "support/parse_fixture.h"

namespace {

namespace fs = std::filesystem;
using pm::event_flags::invalid_value;
using pm::event_flags::local_ambiguous;
using pm::event_flags::local_nonexistent;
using pm::event_flags::out_of_order;
using pm::event_flags::zone_unknown;

using pm::test::counts_line;
using pm::test::Parsed;
using pm::test::read_bytes;

const pm::PfirewallParser& parser() {
  static const pm::PfirewallParser p;
  return p;
}

fs::path fixture(const std::string& name) { return pm::test::testdata("pfirewall/" + name); }

// Every parse goes through here: parse_file's checks, and one event and one
// firewall row a stored row. zone "" = no zone known (UTC assumed, rows
// flagged zone_unknown).
Parsed parse(const fs::path& file, const std::string& zone = "UTC") {
  Parsed p = pm::test::parse_file(parser(), file, zone);
  INFO(file.string() << ": " << counts_line(p.counts));
  CHECK(p.sink.events.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.firewall.size() == static_cast<size_t>(p.counts.rows_stored));
  return p;
}

// The zone a fixture is read with, from its name.
std::string zone_for(const std::string& stem) {
  if (stem.find("new_york") != std::string::npos) return "America/New_York";
  if (stem.find("unknown_zone") != std::string::npos) return "";
  return "UTC";
}

// Byte offset of each line's first byte (index 0 = line 1), computed from the
// raw bytes, independently of LineReader.
std::vector<int64_t> line_starts(const std::string& bytes) {
  std::vector<int64_t> starts{0};
  for (size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] == '\n' && i + 1 < bytes.size()) starts.push_back(static_cast<int64_t>(i + 1));
  return starts;
}

std::string iso(const pm::EventRow& e) { return e.time_us ? pm::format_iso8601_short(*e.time_us) : "NULL"; }

bool is_null(const pm::Value& v) { return std::holds_alternative<std::monostate>(v); }
int64_t num(const pm::Value& v) {
  REQUIRE(std::holds_alternative<int64_t>(v));
  return std::get<int64_t>(v);
}
std::string text(const pm::Value& v) {
  REQUIRE(std::holds_alternative<std::string>(v));
  return std::get<std::string>(v);
}

}  // namespace

TEST_CASE("pfirewall: every fixture matches its golden dump", "[parsers][firewall]") {
  auto logs = pm::test::fixture_inputs({"pfirewall"}, ".log");
  REQUIRE(logs.size() >= 17);
  for (const auto& log : logs) {
    std::string stem = log.stem().string();
    INFO("fixture " << stem);
    pm::test::check_golden(parse(log, zone_for(stem)), log);
    CHECK(fs::exists(fixture(stem + ".expected")));  // fixtures come in pairs
  }
}

TEST_CASE("pfirewall: Vista+ 17-column header", "[parsers][firewall]") {
  Parsed p = parse(fixture("vista17.log"));
  CHECK(p.counts.units_read == 11);
  CHECK(p.counts.header_units == 5);  // 4 header lines and the blank line
  CHECK(p.counts.rows_stored == 6);
  CHECK(p.counts.rows_rejected == 0);

  const auto& e = p.sink.events[0];
  const auto& r = p.sink.firewall[0];
  CHECK(e.location == 6);
  CHECK(iso(e) == "2019-03-05T09:14:02Z");
  CHECK(e.flags == 0);
  CHECK(e.level == pm::Level::info);
  CHECK(e.event_code == "ALLOW");
  CHECK(r.local_time == "2019-03-05 09:14:02");
  CHECK(r.protocol == "TCP");
  CHECK(r.src_ip == "10.1.20.15");
  CHECK(r.dst_ip == "10.1.20.5");
  CHECK(num(r.src_port) == 52144);
  CHECK(num(r.dst_port) == 445);
  CHECK(num(r.size) == 0);
  CHECK(r.tcpflags.empty());
  CHECK(num(r.tcpsyn) == 0);
  CHECK(num(r.tcpack) == 0);
  CHECK(num(r.tcpwin) == 0);
  CHECK(is_null(r.icmptype));
  CHECK(r.info.empty());
  CHECK(r.path == "SEND");
  CHECK(is_null(r.pid));  // no pid column in this layout
  CHECK(r.invalid.empty());

  // Inbound TCP drop with SYN details.
  const auto& d = p.sink.firewall[2];
  CHECK(p.sink.events[2].level == pm::Level::warning);
  CHECK(d.tcpflags == "S");
  CHECK(num(d.tcpsyn) == 2840125366);
  CHECK(num(d.tcpack) == 0);
  CHECK(num(d.tcpwin) == 64240);
  CHECK(num(d.size) == 52);
  CHECK(p.sink.events[2].message == "DROP TCP 10.1.20.77:49822 -> 10.1.20.15:3389 RECEIVE flags S");

  // ICMP echo: ports '-' are NULL, type and code are numbers.
  const auto& icmp = p.sink.firewall[4];
  CHECK(is_null(icmp.src_port));
  CHECK(is_null(icmp.dst_port));
  CHECK(is_null(icmp.tcpsyn));
  CHECK(num(icmp.icmptype) == 8);
  CHECK(num(icmp.icmpcode) == 0);
  CHECK(p.sink.events[4].message == "ALLOW ICMP 10.1.20.15 -> 10.1.20.1 SEND icmp-type 8 code 0");
}

TEST_CASE("pfirewall: 18-column header with pid; CRLF, LF and UTF-16LE give the same rows",
          "[parsers][firewall]") {
  Parsed crlf = parse(fixture("win10_pid_crlf.log"));
  Parsed lf = parse(fixture("win10_pid_lf.log"));
  Parsed wide = parse(fixture("win10_pid_utf16le.log"));
  for (const Parsed* p : {&crlf, &lf, &wide}) {
    CHECK(p->counts.units_read == 11);
    CHECK(p->counts.header_units == 5);
    CHECK(p->counts.rows_stored == 6);
    CHECK(p->counts.rows_rejected == 0);
  }
  CHECK(pm::test::dump_rows(crlf.sink) == pm::test::dump_rows(lf.sink));
  CHECK(pm::test::dump_rows(crlf.sink) == pm::test::dump_rows(wide.sink));

  const auto& r = crlf.sink.firewall;
  CHECK(num(r[0].pid) == 4812);
  CHECK(r[0].path == "SEND");  // no stray CR on the column before pid
  CHECK(is_null(r[2].pid));    // '-'
  CHECK(num(r[3].pid) == 4);
  CHECK(r[3].protocol == "2");
  CHECK(r[5].src_ip == "fe80::1c2b:9a4f:3d1e:77a0");
  CHECK(crlf.sink.events[0].message == "ALLOW TCP 192.168.1.23:50712 -> 20.42.65.92:443 SEND pid 4812");
  CHECK(crlf.sink.events[5].message == "ALLOW UDP [fe80::1c2b:9a4f:3d1e:77a0]:5353 -> [ff02::fb]:5353 SEND pid 2512");
  for (const auto& row : r) CHECK(row.invalid.empty());

  // Offsets are byte positions in the file as stored: CRLF, LF, and UTF-16
  // (2-byte BOM, 2 bytes a code unit).
  auto crlf_starts = line_starts(read_bytes(fixture("win10_pid_crlf.log")));
  auto lf_starts = line_starts(read_bytes(fixture("win10_pid_lf.log")));
  REQUIRE(crlf_starts.size() == 11);
  REQUIRE(lf_starts.size() == 11);
  for (size_t i = 0; i < 6; ++i) {
    int64_t line = crlf.sink.events[i].location;
    INFO("row " << i << " line " << line);
    CHECK(line == static_cast<int64_t>(6 + i));
    CHECK(crlf.sink.events[i].offset == crlf_starts[line - 1]);
    CHECK(lf.sink.events[i].offset == lf_starts[line - 1]);
    CHECK(wide.sink.events[i].offset == 2 + 2 * crlf_starts[line - 1]);
    CHECK(crlf.sink.events[i].offset - lf.sink.events[i].offset == line - 1);  // one CR a line
  }
}

TEST_CASE("pfirewall: XP SP2 actions OPEN, CLOSE, OPEN-INBOUND, INFO-EVENTS-LOST", "[parsers][firewall]") {
  Parsed p = parse(fixture("xp_sp2.log"));
  CHECK(p.counts.header_units == 4);  // no blank line after the XP header
  CHECK(p.counts.rows_stored == 8);
  CHECK(p.counts.rows_rejected == 0);
  std::vector<std::string> actions;
  for (const auto& r : p.sink.firewall) actions.push_back(r.action);
  CHECK(actions == std::vector<std::string>{"DROP", "OPEN", "CLOSE", "OPEN-INBOUND", "OPEN", "DROP", "CLOSE",
                                            "INFO-EVENTS-LOST"});
  for (size_t i = 0; i < p.sink.events.size(); ++i) {
    INFO("row " << i);
    CHECK((p.sink.events[i].flags & invalid_value) == 0);
    CHECK(p.sink.firewall[i].invalid.empty());
  }
  // OPEN: size, tcp and path columns are '-' -> NULL / empty.
  const auto& open = p.sink.firewall[1];
  CHECK(is_null(open.size));
  CHECK(open.path.empty());
  CHECK(open.tcpflags.empty());
  CHECK(num(open.src_port) == 1031);
  CHECK(p.sink.events[1].level == pm::Level::info);
  CHECK(p.sink.events[1].message == "OPEN UDP 192.168.0.10:1031 -> 192.168.0.1:53");
  CHECK(p.sink.firewall[3].action == "OPEN-INBOUND");
  CHECK(num(p.sink.firewall[3].dst_port) == 139);

  const auto& lost = p.sink.firewall[7];
  REQUIRE(lost.lost_events);
  CHECK(*lost.lost_events == 59);
  CHECK(lost.info == "59");
  CHECK(lost.protocol.empty());
  CHECK(lost.src_ip.empty());
  CHECK(is_null(lost.src_port));
  CHECK(p.sink.events[7].level == pm::Level::warning);
  CHECK(p.sink.events[7].message == "INFO-EVENTS-LOST: 59 events were not written to the log");
  CHECK(iso(p.sink.events[7]) == "2005-04-11T08:52:26Z");
}

TEST_CASE("pfirewall: a #Fields header repeated mid-file is re-applied", "[parsers][firewall]") {
  Parsed p = parse(fixture("fields_reapplied.log"));
  // 5 + 5 header lines, the third #Fields line; 7 rows stored, 2 rejected.
  CHECK(p.counts.units_read == 18);
  CHECK(p.counts.header_units == 11);
  CHECK(p.counts.rows_stored == 5);
  CHECK(p.counts.rows_rejected == 2);

  // Section 1 (17 columns): no pid.
  CHECK(is_null(p.sink.firewall[0].pid));
  CHECK(p.sink.firewall[1].path == "RECEIVE");
  // Section 2 (18 columns): pid read.
  CHECK(p.sink.events[2].location == 13);
  CHECK(num(p.sink.firewall[2].pid) == 3120);
  CHECK(is_null(p.sink.firewall[3].pid));
  // Section 3: another order and an unknown column, mapped by name.
  const auto& s3 = p.sink.firewall[4];
  CHECK(p.sink.events[4].location == 17);
  CHECK(s3.protocol == "UDP");
  CHECK(s3.src_ip == "10.0.0.8");
  CHECK(num(s3.src_port) == 61000);
  CHECK(s3.dst_ip == "10.0.0.1");
  CHECK(num(s3.dst_port) == 53);
  CHECK(s3.path == "SEND");
  CHECK(num(s3.pid) == 2688);
  CHECK(is_null(s3.size));  // not in this #Fields
  CHECK(s3.invalid.empty());

  REQUIRE(p.sink.rejects.size() == 2);
  CHECK(p.sink.rejects[0].location == 15);  // 17 fields under the 18-column header
  CHECK(p.sink.rejects[0].reason == "found 17 fields, expected 18 (from #Fields at line 11)");
  CHECK(p.sink.rejects[1].location == 18);  // 18 fields under the 11-column header
  CHECK(p.sink.rejects[1].reason == "found 18 fields, expected 11 (from #Fields at line 16)");
}

TEST_CASE("pfirewall: INFO-EVENTS-LOST out of order keeps its lost count", "[parsers][firewall]") {
  Parsed p = parse(fixture("events_lost.log"));
  CHECK(p.counts.rows_stored == 7);
  CHECK(p.counts.rows_rejected == 0);
  const auto& ev = p.sink.events;
  const auto& fw = p.sink.firewall;

  std::vector<int64_t> lines;
  for (const auto& e : ev) lines.push_back(e.location);
  CHECK(lines == std::vector<int64_t>{6, 7, 8, 9, 10, 11, 12});  // file order kept: line is the order key

  CHECK(ev[2].event_code == "INFO-EVENTS-LOST");
  CHECK(iso(ev[2]) == "2021-06-22T12:48:21Z");
  CHECK(ev[2].flags == out_of_order);
  REQUIRE(fw[2].lost_events);
  CHECK(*fw[2].lost_events == 7);
  CHECK(ev[3].flags == 0);             // 12:48:30 is later than 12:48:28
  CHECK(ev[4].flags == out_of_order);  // an ordinary row can be late too
  // A lost-events row without a count: kept, flagged, no count.
  CHECK(ev[5].flags == invalid_value);
  CHECK_FALSE(fw[5].lost_events);
  CHECK(fw[5].invalid == "info");
  REQUIRE(fw[6].lost_events);
  CHECK(*fw[6].lost_events == 1);
  CHECK(ev[6].flags == 0);
}

TEST_CASE("pfirewall: IPv6 addresses and protocol numbers", "[parsers][firewall]") {
  Parsed p = parse(fixture("ipv6_protocols.log"));
  CHECK(p.counts.rows_stored == 7);
  CHECK(p.counts.rows_rejected == 0);
  const auto& fw = p.sink.firewall;
  for (size_t i = 0; i < fw.size(); ++i) {
    INFO("row " << i << " " << p.sink.events[i].message);
    CHECK(fw[i].invalid.empty());
    CHECK((p.sink.events[i].flags & invalid_value) == 0);
  }
  CHECK(fw[0].src_ip == "fe80::f58b:f19a:db72:872b");
  CHECK(fw[0].dst_ip == "ff02::fb");
  CHECK(p.sink.events[0].message == "DROP UDP [fe80::f58b:f19a:db72:872b]:5353 -> [ff02::fb]:5353 RECEIVE");
  CHECK(fw[1].src_ip == "::");
  CHECK(num(fw[1].icmptype) == 135);
  CHECK(p.sink.events[1].message == "ALLOW ICMP :: -> ff02::1:ff7c:37f8 SEND icmp-type 135 code 0");
  CHECK(fw[2].dst_ip == "2a01:110:2001:ff10:ae16:2dff:fe70:f15");
  CHECK(fw[3].src_ip == "::ffff:192.168.178.51");
  CHECK(fw[4].protocol == "2");
  CHECK(fw[5].protocol == "41");
  CHECK(fw[6].protocol == "47");
  CHECK(p.sink.events[4].message == "ALLOW 2 192.168.178.1 -> 224.0.0.1 RECEIVE");
  CHECK(p.sink.events[4].flags == out_of_order);  // 12:20:19 after 12:58:30
}

TEST_CASE("pfirewall: invalid values are kept verbatim and flagged", "[parsers][firewall]") {
  Parsed p = parse(fixture("invalid_values.log"));
  CHECK(p.counts.rows_stored == 10);
  CHECK(p.counts.rows_rejected == 0);
  const auto& ev = p.sink.events;
  const auto& fw = p.sink.firewall;
  for (size_t i = 0; i < ev.size(); ++i) {
    INFO("row " << i << " " << ev[i].message);
    CHECK((ev[i].flags & invalid_value) != 0);
    CHECK_FALSE(fw[i].invalid.empty());
  }
  CHECK(fw[0].src_ip == "192.168.1.10055");
  CHECK(fw[0].invalid == "src-ip");
  CHECK(text(fw[1].src_port) == "abc");
  CHECK(num(fw[1].dst_port) == 445);
  CHECK(fw[1].invalid == "src-port");
  CHECK(ev[1].message == "ALLOW TCP 192.168.1.10:abc -> 192.168.1.20:445 SEND");
  CHECK(fw[2].action == "BLOCK");
  CHECK(ev[2].event_code == "BLOCK");
  CHECK(fw[2].invalid == "action");
  CHECK(fw[3].protocol == "XYZ");
  CHECK(fw[3].invalid == "protocol");
  CHECK(fw[4].protocol == "300");
  CHECK(fw[4].invalid == "protocol");
  CHECK(fw[5].src_ip == "fe80::1::2");
  CHECK(text(fw[5].size) == "-5");
  CHECK(fw[5].path == "INBOUND");
  CHECK(fw[5].invalid == "src-ip,size,path");
  // Impossible date or time: kept, untimed, flagged.
  CHECK_FALSE(ev[6].time_us);
  CHECK(fw[6].local_time == "2021-02-30 12:20:07");
  CHECK(fw[6].invalid == "date,time");
  CHECK_FALSE(ev[7].time_us);
  CHECK(fw[7].invalid == "date,time");
  // Out-of-range numbers are not valid ports or ICMP types.
  CHECK(text(fw[8].dst_port) == "70000");
  CHECK(fw[8].invalid == "dst-port");
  CHECK(text(fw[9].icmptype) == "300");
  CHECK(fw[9].invalid == "icmptype");
  CHECK(ev[9].message == "DROP ICMP 192.168.1.30 -> 192.168.1.10 RECEIVE icmp-type 300 code 0");
  // A row with a bad value still gets its time and its other columns.
  CHECK(iso(ev[0]) == "2021-06-22T12:20:01Z");
  CHECK(num(fw[0].size) == 78);
  CHECK(ev[0].flags == invalid_value);
}

TEST_CASE("pfirewall: rows with the wrong field count are rejected with line, offset, reason",
          "[parsers][firewall]") {
  Parsed p = parse(fixture("wrong_field_count.log"));
  CHECK(p.counts.units_read == 12);
  CHECK(p.counts.header_units == 6);  // 4 header lines, blank line, whitespace-only line
  CHECK(p.counts.rows_stored == 2);
  CHECK(p.counts.rows_rejected == 4);
  auto starts = line_starts(read_bytes(fixture("wrong_field_count.log")));
  REQUIRE(starts.size() == 12);
  const auto& rj = p.sink.rejects;
  REQUIRE(rj.size() == 4);
  CHECK(rj[0].location == 7);
  CHECK(rj[0].reason == "found 16 fields, expected 17 (from #Fields at line 4)");
  CHECK(rj[1].location == 8);
  CHECK(rj[1].reason == "found 18 fields, expected 17 (from #Fields at line 4)");
  CHECK(rj[2].location == 9);
  CHECK(rj[2].reason == "found more than 24 fields, expected 17 (from #Fields at line 4)");
  CHECK(rj[3].location == 10);
  CHECK(rj[3].reason == "found 2 fields, expected 17 (from #Fields at line 4)");
  CHECK(rj[3].raw == "2021-06-22 12:3");
  for (const auto& r : rj) {
    INFO("line " << r.location);
    CHECK(r.offset == starts[r.location - 1]);
    CHECK(r.raw.find('\n') == std::string::npos);
  }
  CHECK(p.sink.events[0].location == 6);
  CHECK(p.sink.events[1].location == 12);
  CHECK(p.sink.events[1].offset == starts[11]);
}

TEST_CASE("pfirewall: a headerless fragment uses the default columns", "[parsers][firewall]") {
  auto s = pm::test::sniff_file(parser(), fixture("headerless_fragment.log"));
  INFO(s.reason);
  CHECK(s.score == 70);
  Parsed p = parse(fixture("headerless_fragment.log"));
  CHECK(p.counts.units_read == 6);
  CHECK(p.counts.header_units == 0);
  CHECK(p.counts.rows_stored == 5);
  CHECK(p.counts.rows_rejected == 1);
  REQUIRE(p.sink.rejects.size() == 1);
  CHECK(p.sink.rejects[0].location == 1);
  CHECK(p.sink.rejects[0].offset == 0);
  CHECK(p.sink.rejects[0].reason == "found 9 fields before any #Fields header; expected 17 or 18");
  CHECK(p.sink.firewall[0].dst_ip == "224.0.0.251");
  CHECK(num(p.sink.firewall[0].size) == 225);
  CHECK(p.sink.firewall[0].path == "RECEIVE");
  CHECK(is_null(p.sink.firewall[0].pid));
  CHECK(num(p.sink.firewall[3].pid) == 7044);  // an 18-field row: pid is the 18th column
  for (const auto& r : p.sink.firewall) CHECK(r.invalid.empty());
}

TEST_CASE("pfirewall: local times are converted with the source's zone", "[parsers][firewall]") {
  SECTION("America/New_York") {
    Parsed p = parse(fixture("local_time_new_york.log"), "America/New_York");
    REQUIRE(p.counts.rows_stored == 3);
    CHECK(iso(p.sink.events[0]) == "2021-06-22T16:19:41Z");  // EDT, UTC-4
    CHECK(p.sink.firewall[0].local_time == "2021-06-22 12:19:41");
    CHECK(iso(p.sink.events[1]) == "2021-06-23T03:59:59Z");  // crosses midnight in UTC
    CHECK(iso(p.sink.events[2]) == "2021-12-01T13:00:00Z");  // EST, UTC-5
    for (const auto& e : p.sink.events) CHECK(e.flags == 0);
  }
  SECTION("unknown zone: UTC assumed, flagged") {
    CHECK_FALSE(pm::ZoneConverter::from_name("Mars/Olympus_Mons"));
    Parsed p = parse(fixture("local_time_unknown_zone.log"), "");
    REQUIRE(p.counts.rows_stored == 3);
    CHECK(iso(p.sink.events[0]) == "2021-06-22T12:19:41Z");
    CHECK(iso(p.sink.events[2]) == "2021-12-01T08:00:00Z");
    for (const auto& e : p.sink.events) CHECK(e.flags == zone_unknown);
  }
  SECTION("#Time Format: UTC needs no zone") {
    Parsed p = parse(fixture("time_format_utc.log"), "");
    REQUIRE(p.counts.rows_stored == 3);
    CHECK(iso(p.sink.events[0]) == "2021-06-22T12:19:41Z");
    for (const auto& e : p.sink.events) CHECK(e.flags == 0);
    Parsed ny = parse(fixture("time_format_utc.log"), "America/New_York");
    CHECK(iso(ny.sink.events[0]) == "2021-06-22T12:19:41Z");
  }
}

TEST_CASE("pfirewall: DST gap and fall-back overlap in America/New_York", "[parsers][firewall]") {
  Parsed p = parse(fixture("dst_new_york.log"), "America/New_York");
  REQUIRE(p.counts.rows_stored == 7);
  const auto& ev = p.sink.events;
  CHECK(iso(ev[0]) == "2021-03-14T06:59:59Z");
  CHECK(ev[0].flags == 0);
  CHECK(iso(ev[1]) == "2021-03-14T07:30:00Z");  // 02:30 does not exist: standard offset
  CHECK(ev[1].flags == local_nonexistent);
  CHECK(iso(ev[2]) == "2021-03-14T07:45:00Z");
  CHECK(ev[2].flags == 0);
  CHECK(iso(ev[3]) == "2021-11-07T04:59:59Z");
  CHECK(ev[3].flags == 0);
  CHECK(iso(ev[4]) == "2021-11-07T05:30:00Z");  // 01:30 happens twice: the earlier (EDT) reading
  CHECK(ev[4].flags == local_ambiguous);
  // The second 01:10 (really EST, 06:10Z) is read as EDT, so it lands before the previous row.
  CHECK(iso(ev[5]) == "2021-11-07T05:10:00Z");
  CHECK(ev[5].flags == (local_ambiguous | out_of_order));
  CHECK(iso(ev[6]) == "2021-11-07T07:00:00Z");
  CHECK(ev[6].flags == 0);
}

TEST_CASE("pfirewall: sniff scores", "[parsers][firewall]") {
  auto score = [](const std::string& name) {
    auto s = pm::test::sniff_file(parser(), fixture(name));
    INFO(name << ": " << s.score << " " << s.reason);
    CHECK_FALSE(s.reason.empty());
    return s.score;
  };
  CHECK(score("vista17.log") == 95);
  CHECK(score("win10_pid_crlf.log") == 95);
  CHECK(score("win10_pid_utf16le.log") == 95);
  CHECK(score("xp_sp2.log") == 95);
  CHECK(score("header_only.log") == 95);
  CHECK(score("fields_only.log") == 90);
  CHECK(score("headerless_fragment.log") == 70);
  CHECK(score("netsh_allprofiles.txt") == 0);
  CHECK(score("random_text.txt") == 0);
  CHECK(score("iis_w3c.log") == 0);
  CHECK(score("evtx_head.bin") == 0);

  // A header-only file parses to nothing, cleanly.
  Parsed h = parse(fixture("header_only.log"));
  CHECK(h.counts.units_read == 5);
  CHECK(h.counts.header_units == 5);
  CHECK(h.counts.rows_stored == 0);
  CHECK(h.counts.rows_rejected == 0);

  // Parsing what the sniffer refused stores nothing and still reconciles.
  for (const char* name : {"netsh_allprofiles.txt", "random_text.txt", "evtx_head.bin", "iis_w3c.log"}) {
    INFO(name);
    Parsed p = parse(fixture(name));
    CHECK(p.counts.rows_stored == 0);
    CHECK(p.counts.units_read > 0);
  }
  // Another W3C log: its #Fields has no action column, so its rows are not firewall rows.
  Parsed iis = parse(fixture("iis_w3c.log"));
  REQUIRE(iis.sink.rejects.size() == 2);
  CHECK(iis.sink.rejects[0].reason ==
        "the #Fields at line 4 has no date, time or action column: not a Windows Firewall log layout");
}
