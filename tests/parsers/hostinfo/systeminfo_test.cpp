#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "parsers/hostinfo/ipconfig_parser.h"
#include "parsers/hostinfo/systeminfo_parser.h"
#include "support/parse_fixture.h"

namespace fs = std::filesystem;

namespace {

using pm::test::facts;
using pm::test::Parsed;
using pm::test::TempFile;

// parse_file's checks; a stored row is a line that gave facts.
Parsed parse_systeminfo(const fs::path& file) {
  Parsed p = pm::test::parse_file(pm::SysteminfoParser(), file);
  INFO(file.string() << ": " << pm::test::counts_line(p.counts));
  CHECK(p.counts.rows_stored == pm::test::fact_lines(p.sink));
  return p;
}

const char* kPfirewall =
    "#Version: 1.5\r\n#Software: Microsoft Windows Firewall\r\n#Time Format: Local\r\n"
    "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin "
    "icmptype icmpcode info path pid\r\n\r\n"
    "2021-06-01 10:00:00 ALLOW TCP 10.0.0.5 10.0.0.10 50123 445 0 - 0 0 0 - - - SEND 4\r\n";

}  // namespace

TEST_CASE("systeminfo: every fixture matches its golden dump", "[parsers][systeminfo]") {
  pm::SysteminfoParser parser;
  auto files = pm::test::fixture_inputs({"systeminfo"}, ".txt");
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      CHECK(pm::test::sniff_file(parser, file).score >= 50);
      pm::test::check_golden(parse_systeminfo(file), file, pm::test::Dump::rows_only);
    }
  }
  CHECK(files.size() >= 6);
}

TEST_CASE("systeminfo: Server 2012 R2, English", "[parsers][systeminfo]") {
  Parsed p = parse_systeminfo(pm::test::testdata("systeminfo/server2012r2_en.txt"));
  REQUIRE(p.sink.claims.size() == 1);
  CHECK(p.sink.claims[0].first == "WEB01");
  CHECK(p.sink.claims[0].second == "systeminfo Host Name");
  CHECK(p.sink.fact("host_name") == "WEB01");
  CHECK(p.sink.fact("domain") == "corp.example.com");
  CHECK(p.sink.fact("fqdn") == "WEB01.corp.example.com");
  CHECK(p.sink.fact("os_name") == "Microsoft Windows Server 2012 R2 Standard");
  CHECK(p.sink.fact("os_version") == "6.3.9600 N/A Build 9600");
  CHECK(p.sink.fact("time_zone") == "(UTC-05:00) Eastern Time (US & Canada)");
  CHECK(p.sink.fact("boot_time") == "6/1/2021, 11:04:52 PM");
  CHECK(p.sink.fact("install_date") == "3/14/2016, 10:22:31 AM");
  CHECK(p.sink.fact("system_manufacturer") == "VMware, Inc.");
  CHECK(p.sink.fact("system_model") == "VMware Virtual Platform");
  CHECK(p.sink.fact("logon_server") == "\\\\DC01");
  CHECK(p.sink.fact("registered_organization").empty());  // empty value: no fact
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"10.0.0.5", "fe80::1d4c:8a2b:3c9e:7f10"});
  CHECK(facts(p.sink, "hotfix") == std::vector<std::string>{"KB2919355", "KB2919442", "KB3000850"});
  CHECK(facts(p.sink, "processor").size() == 2);
  CHECK(p.sink.fact("network_adapter") == "Intel(R) 82574L Gigabit Network Connection");
  CHECK(p.sink.fact("network_connection_name") == "Ethernet0");
  CHECK(p.sink.fact("dhcp_enabled") == "No");
  CHECK(p.sink.rejects.empty());
  // The zone name resolves.
  auto zone = pm::ZoneConverter::from_name(p.sink.fact("time_zone"));
  REQUIRE(zone);
  CHECK(zone->iana_id() == "America/New_York");
}

TEST_CASE("systeminfo: German Server 2019 in the OEM code page", "[parsers][systeminfo]") {
  Parsed p = parse_systeminfo(pm::test::testdata("systeminfo/server2019_de_oem850.txt"));
  CHECK(p.sink.rejects.empty());
  REQUIRE(p.sink.claims.size() == 1);
  CHECK(p.sink.claims[0].first == "SRV-DC02");
  CHECK(p.sink.fact("domain") == "ad.beispiel.de");
  CHECK(p.sink.fact("fqdn") == "SRV-DC02.ad.beispiel.de");
  CHECK(p.sink.fact("os_name") == "Microsoft Windows Server 2019 Standard");
  CHECK(p.sink.fact("os_version") == "10.0.17763 Nicht zutreffend Build 17763");
  CHECK(p.sink.fact("boot_time") == "02.06.2021, 07:45:10");
  CHECK(p.sink.fact("time_zone") == "(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien");
  // CP850 umlauts come out right, not as Windows-1252 punctuation.
  CHECK(p.sink.fact("os_configuration") == "Primärer Domänencontroller");
  CHECK(p.sink.fact("registered_organization") == "Müller & Söhne GmbH");
  CHECK(p.sink.fact("virtual_memory_max_size") == "37.288 MB");
  CHECK(facts(p.sink, "network_adapter").size() == 2);
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"10.20.0.2", "fe80::9c31:5e2f:a1b0:44d2"});
  CHECK(p.sink.fact("network_status") == "Medium getrennt");
  auto zone = pm::ZoneConverter::from_name(p.sink.fact("time_zone"));
  REQUIRE(zone);
  CHECK(zone->iana_id() == "Europe/Berlin");
}

TEST_CASE("systeminfo: PowerShell UTF-16LE capture", "[parsers][systeminfo]") {
  Parsed p = parse_systeminfo(pm::test::testdata("systeminfo/win10_ps_utf16le.txt"));
  CHECK(p.sink.rejects.empty());
  CHECK(p.sink.fact("host_name") == "DESKTOP-7Q2M4KD");
  CHECK(p.sink.fact("domain") == "WORKGROUP");
  CHECK(p.sink.fact("fqdn").empty());  // a workgroup is not a DNS domain
  CHECK(p.sink.fact("registered_owner") == "Zoë Ångström \xF0\x9F\x9B\xA1");
  CHECK(facts(p.sink, "ip_address") ==
        std::vector<std::string>{"192.168.178.34", "fe80::b4e1:4c1a:9f3:2e77", "2a02:810d:4b3f:e400:b4e1:4c1a:9f3:2e77"});
  CHECK(p.sink.fact("dhcp_server") == "192.168.178.1");
  CHECK(facts(p.sink, "hyper_v_requirements").size() == 4);
  CHECK(facts(p.sink, "network_status") == std::vector<std::string>{"Media disconnected"});
  CHECK(pm::ZoneConverter::from_name(p.sink.fact("time_zone"))->iana_id() == "Europe/London");
}

TEST_CASE("systeminfo: Server 2003 with a (GMT...) zone and System Up Time", "[parsers][systeminfo]") {
  Parsed p = parse_systeminfo(pm::test::testdata("systeminfo/server2003_gmt.txt"));
  CHECK(p.sink.rejects.empty());
  CHECK(p.sink.fact("time_zone") == "(GMT-05:00) Eastern Time (US & Canada)");
  CHECK(p.sink.fact("up_time") == "12 Days, 4 Hours, 31 Minutes, 2 Seconds");
  CHECK(p.sink.fact("boot_time").empty());
  CHECK(p.sink.fact("system_type") == "X86-based PC");  // "System type:" lower case
  CHECK(facts(p.sink, "page_file") == std::vector<std::string>{"C:\\pagefile.sys", "D:\\pagefile.sys"});
  CHECK(p.sink.fact("virtual_memory_in_use") == "846 MB");
  CHECK(p.sink.fact("fqdn").empty());  // NetBIOS domain "EXAMPLE"
  CHECK(pm::ZoneConverter::from_name(p.sink.fact("time_zone"))->iana_id() == "America/New_York");
}

TEST_CASE("systeminfo: garbage lines are rejected, never dropped", "[parsers][systeminfo]") {
  Parsed p = parse_systeminfo(pm::test::testdata("systeminfo/garbage_console.txt"));
  CHECK(p.counts.units_read == 20);
  CHECK(p.sink.fact("host_name") == "FILE02");
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"192.168.1.100"});
  std::vector<std::string> reasons;
  for (const auto& r : p.sink.rejects) reasons.push_back(r.reason);
  REQUIRE(p.sink.rejects.size() == 7);
  CHECK(reasons[0] == "indented line before any systeminfo field");
  CHECK(p.sink.rejects[0].location == 1);
  CHECK(p.sink.rejects[0].offset == 0);
  CHECK(std::count(reasons.begin(), reasons.end(), "unknown systeminfo field 'Sytem Boot Time'") == 1);
  CHECK(std::count(reasons.begin(), reasons.end(), "invalid IP address '192.168.1.10055'") == 1);
  CHECK(std::count(reasons.begin(), reasons.end(), "unknown line in the Network Card(s) block") == 1);
  CHECK(std::count(reasons.begin(), reasons.end(), "not a systeminfo line") == 1);
  for (const auto& r : p.sink.rejects) CHECK(!r.raw.empty());
}

TEST_CASE("systeminfo: CSV output", "[parsers][systeminfo]") {
  Parsed p = parse_systeminfo(pm::test::testdata("systeminfo/server2016_csv.txt"));
  CHECK(p.counts.rows_stored == 1);
  CHECK(p.counts.header_units == 2);
  CHECK(p.sink.fact("host_name") == "APP03");
  CHECK(p.sink.fact("fqdn") == "APP03.corp.example.com");
  CHECK(p.sink.fact("original_install_date").empty());
  CHECK(p.sink.fact("install_date") == "8/19/2017, 2:41:55 PM");
  CHECK(p.sink.fact("time_zone") == "(UTC-08:00) Pacific Time (US & Canada)");
  CHECK(facts(p.sink, "hotfix") == std::vector<std::string>{"KB4485447", "KB5003197"});
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"10.4.0.7", "fe80::5d2b:1e7:c0a8:407"});
  CHECK(p.sink.fact("network_connection_name") == "Ethernet");
  CHECK(facts(p.sink, "unparsed").empty());
}

TEST_CASE("systeminfo: sniff decides by content", "[parsers][systeminfo]") {
  pm::SysteminfoParser systeminfo;
  pm::IpconfigParser ipconfig;
  for (const auto& file : pm::test::fixture_inputs({"ipconfig"}, ".txt")) {
    INFO(file.filename().string());
    CHECK(pm::test::sniff_file(systeminfo, file).score < 50);
  }
  for (const auto& file : pm::test::fixture_inputs({"systeminfo"}, ".txt")) {
    INFO(file.filename().string());
    CHECK(pm::test::sniff_file(ipconfig, file).score < 50);
  }
  CHECK(pm::test::sniff_file(systeminfo, TempFile("pfirewall.log", kPfirewall)).score < 50);
  // The name is only a hint: systeminfo content under another name is still systeminfo.
  TempFile renamed("notes.log",
                   "\r\nHost Name:                 X1\r\nOS Name:                   Microsoft Windows 10 Pro\r\n"
                   "OS Version:                10.0.19043 N/A Build 19043\r\nDomain:                    WORKGROUP\r\n");
  CHECK(pm::test::sniff_file(systeminfo, renamed).score >= 50);
  CHECK(pm::test::sniff_file(systeminfo, TempFile("systeminfo.txt", "hello\nworld\n")).score < 50);
  CHECK(pm::test::sniff_file(systeminfo, TempFile("empty.txt", "")).score == 0);
}

TEST_CASE("hostinfo: neither parser claims other formats' fixtures", "[parsers][systeminfo][ipconfig]") {
  pm::SysteminfoParser systeminfo;
  pm::IpconfigParser ipconfig;
  for (const auto& file : pm::test::fixture_inputs({"pfirewall", "netsh", "powershell"})) {
    INFO(file.string());
    CHECK(pm::test::sniff_file(systeminfo, file).score < 50);
    CHECK(pm::test::sniff_file(ipconfig, file).score < 50);
    // Whatever they are given, parse_file's checks hold: the counts reconcile,
    // every line is counted and every reject is reported.
    pm::test::parse_file(systeminfo, file);
    pm::test::parse_file(ipconfig, file);
  }
}

TEST_CASE("systeminfo: phase and names", "[parsers][systeminfo]") {
  pm::SysteminfoParser p;
  CHECK(p.name() == "systeminfo");
  CHECK(p.phase() == pm::Phase::host_facts);
  CHECK(!p.description().empty());
}

TEST_CASE("systeminfo: empty and blank-only files", "[parsers][systeminfo]") {
  Parsed empty = parse_systeminfo(TempFile("si_empty.txt", ""));
  CHECK(empty.counts.units_read == 0);
  CHECK(empty.counts.reconciles());
  Parsed blank = parse_systeminfo(TempFile("si_blank.txt", "\r\n\r\n   \r\n"));
  CHECK(blank.counts.units_read == 3);
  CHECK(blank.counts.header_units == 3);
  CHECK(blank.sink.facts.empty());
}
