#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "parsers/hostinfo/ipconfig_parser.h"
#include "support/parse_fixture.h"

namespace fs = std::filesystem;

namespace {

using pm::test::facts;
using pm::test::Parsed;
using pm::test::TempFile;

// parse_file's checks; a stored row is a line that gave facts.
Parsed parse_ipconfig(const fs::path& file) {
  Parsed p = pm::test::parse_file(pm::IpconfigParser(), file);
  INFO(file.string() << ": " << pm::test::counts_line(p.counts));
  CHECK(p.counts.rows_stored == pm::test::fact_lines(p.sink));
  return p;
}

}  // namespace

TEST_CASE("ipconfig: every fixture matches its golden dump", "[parsers][ipconfig]") {
  pm::IpconfigParser parser;
  auto files = pm::test::fixture_inputs({"ipconfig"}, ".txt");
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      CHECK(pm::test::sniff_file(parser, file).score >= 50);
      pm::test::check_golden(parse_ipconfig(file), file, pm::test::Dump::rows_only);
    }
  }
  CHECK(files.size() >= 5);
}

TEST_CASE("ipconfig: Server 2012 R2 /all", "[parsers][ipconfig]") {
  Parsed p = parse_ipconfig(pm::test::testdata("ipconfig/server2012r2_all.txt"));
  CHECK(p.sink.rejects.empty());
  REQUIRE(p.sink.claims.size() == 1);
  CHECK(p.sink.claims[0].first == "WEB01");
  CHECK(p.sink.claims[0].second == "ipconfig Host Name");
  CHECK(p.sink.fact("dns_suffix") == "corp.example.com");
  CHECK(p.sink.fact("fqdn") == "WEB01.corp.example.com");
  CHECK(facts(p.sink, "dns_suffix_search") == std::vector<std::string>{"corp.example.com", "example.com"});
  // "(Preferred)" and the %zone are not part of the address.
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"fe80::1d4c:8a2b:3c9e:7f10", "10.0.0.5"});
  CHECK(facts(p.sink, "dns_server") == std::vector<std::string>{"10.0.0.10", "10.0.0.11"});
  CHECK(facts(p.sink, "mac_address") == std::vector<std::string>{"00-50-56-9A-3B-12"});
  CHECK(facts(p.sink, "physical_address") == std::vector<std::string>{"00-00-00-00-00-00-00-E0"});
  CHECK(facts(p.sink, "adapter") ==
        std::vector<std::string>{"Ethernet adapter Ethernet0", "Tunnel adapter isatap.{6D2A7B1C-3E4F-4A5B-9C8D-0E1F2A3B4C5D}"});
  CHECK(p.sink.fact("default_gateway") == "10.0.0.1");
  CHECK(p.sink.fact("media_state") == "Media disconnected");
  CHECK(p.sink.fact("connection_dns_suffix").empty());
  // Blank lines, the banner and the two empty "Connection-specific DNS Suffix" fields.
  CHECK(p.counts.header_units == 9);
}

TEST_CASE("ipconfig: Windows 10 UTF-16LE capture with two gateways", "[parsers][ipconfig]") {
  Parsed p = parse_ipconfig(pm::test::testdata("ipconfig/win10_ps_utf16le.txt"));
  CHECK(p.sink.rejects.empty());
  CHECK(p.sink.fact("host_name") == "DESKTOP-7Q2M4KD");
  CHECK(p.sink.fact("dns_suffix").empty());
  CHECK(p.sink.fact("fqdn").empty());
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"2a02:810d:4b3f:e400:b4e1:4c1a:9f3:2e77",
                                                                "2a02:810d:4b3f:e400:6c5d:1a2b:3c4d:5e6f",
                                                                "fe80::b4e1:4c1a:9f3:2e77", "192.168.178.34"});
  CHECK(facts(p.sink, "default_gateway") == std::vector<std::string>{"fe80::3681:c4ff:fe12:3456%7", "192.168.178.1"});
  CHECK(facts(p.sink, "dns_server") == std::vector<std::string>{"fd00::3681:c4ff:fe12:3456", "192.168.178.1"});
  CHECK(facts(p.sink, "mac_address").size() == 3);
  CHECK(p.sink.fact("lease_obtained") == "Monday, June 7, 2021 8:02:11 AM");
  CHECK(p.sink.fact("dhcp_server") == "192.168.178.1");
}

TEST_CASE("ipconfig: German, OEM code page", "[parsers][ipconfig]") {
  Parsed p = parse_ipconfig(pm::test::testdata("ipconfig/win10_de_oem850.txt"));
  CHECK(p.sink.rejects.empty());
  CHECK(p.sink.fact("host_name") == "PC-BUCHHALTUNG");
  CHECK(p.sink.fact("dns_suffix") == "ad.beispiel.de");
  CHECK(p.sink.fact("fqdn") == "PC-BUCHHALTUNG.ad.beispiel.de");
  CHECK(p.sink.fact("connection_dns_suffix") == "ad.beispiel.de");
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"fe80::a1b2:c3d4:e5f6:1234", "10.20.4.117"});
  CHECK(p.sink.fact("mac_address") == "8C-EC-4B-5D-6E-7F");
  CHECK(facts(p.sink, "dns_server") == std::vector<std::string>{"10.20.0.2", "10.20.0.3"});
  CHECK(p.sink.fact("default_gateway") == "10.20.4.1");
  CHECK(p.sink.fact("lease_expires") == "Donnerstag, 10. Juni 2021 07:46:02");
}

TEST_CASE("ipconfig: Windows XP layout", "[parsers][ipconfig]") {
  Parsed p = parse_ipconfig(pm::test::testdata("ipconfig/xp_all.txt"));
  CHECK(p.sink.rejects.empty());
  CHECK(p.sink.fact("host_name") == "OLDSRV03");
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"192.168.10.20"});
  CHECK(p.sink.fact("wins_server") == "192.168.10.5");
  CHECK(p.sink.fact("fqdn") == "OLDSRV03.example.local");
}

TEST_CASE("ipconfig: garbage lines are rejected, never dropped", "[parsers][ipconfig]") {
  Parsed p = parse_ipconfig(pm::test::testdata("ipconfig/garbage_console.txt"));
  CHECK(p.counts.units_read == 17);
  CHECK(facts(p.sink, "ip_address") == std::vector<std::string>{"192.168.1.100"});
  CHECK(p.sink.fact("mac_address") == "00-0C-29-AB-CD-EF");
  std::vector<std::string> reasons;
  for (const auto& r : p.sink.rejects) reasons.push_back(r.reason);
  CHECK(reasons == std::vector<std::string>{
                       "indented value without a field",
                       "command prompt line, not ipconfig output",
                       "invalid IP address '192.168.1.10055(Preferred)'",
                       "unknown ipconfig field 'Flux Capacitor Mode'",
                       "not an ipconfig line",
                       "not an ipconfig line",
                   });
  REQUIRE(p.sink.rejects.size() == 6);
  CHECK(p.sink.rejects[0].location == 1);
  CHECK(p.sink.rejects[0].offset == 0);
  CHECK(p.sink.rejects[1].location == 2);
  CHECK(p.sink.rejects[1].offset == 49);
  CHECK(p.sink.rejects.back().raw == "Press any key to continue . . .");
}

TEST_CASE("ipconfig: sniff decides by content", "[parsers][ipconfig]") {
  pm::IpconfigParser parser;
  CHECK(pm::test::sniff_file(parser, TempFile("ipconfig.txt", "nothing to see\n")).score < 50);
  CHECK(pm::test::sniff_file(parser, TempFile("ip_empty.txt", "")).score == 0);
  TempFile fw("pfirewall_ip.log",
              "#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n"
              "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn "
              "tcpack tcpwin icmptype icmpcode info path\n");
  CHECK(pm::test::sniff_file(parser, fw).score < 50);
  TempFile no_banner("adapters.log",
                     "Ethernet adapter Ethernet0:\r\n\r\n"
                     "   Description . . . . . . . . . . . : vmxnet3 Ethernet Adapter\r\n"
                     "   Physical Address. . . . . . . . . : 00-0C-29-AB-CD-EF\r\n"
                     "   IPv4 Address. . . . . . . . . . . : 10.1.1.1(Preferred)\r\n"
                     "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n");
  CHECK(pm::test::sniff_file(parser, no_banner).score >= 50);
}

TEST_CASE("ipconfig: phase and names", "[parsers][ipconfig]") {
  pm::IpconfigParser p;
  CHECK(p.name() == "ipconfig");
  CHECK(p.phase() == pm::Phase::host_facts);
  CHECK(!p.description().empty());
}
