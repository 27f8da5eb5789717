// `ipconfig /all` output (also plain `ipconfig`), Windows XP through 11,
// English and the common German labels. Typical captures: cmd redirection
// (OEM code page), PowerShell 5 redirection (UTF-16LE with BOM), or UTF-8.
//
// Layout: a "Windows IP Configuration" banner, the global block, then one
// block per adapter under a title line at column 0 ("Ethernet adapter
// Ethernet0:"). Fields are indented, with a dotted leader before the colon
// ("   IPv4 Address. . . . . . . . . . . : 10.0.0.5(Preferred)"); extra values
// (DNS servers, gateways, search suffixes) follow on lines indented to the
// value column.
//
// Host facts emitted (HostFactRow.fact = value, trimmed, as written unless noted):
//   host_name                  Host Name (also sink.claim_host(name, "ipconfig Host Name"))
//   dns_suffix                 Primary Dns Suffix
//   fqdn                       host_name + "." + dns_suffix, when the suffix is not empty
//   node_type, ip_routing_enabled, wins_proxy_enabled
//   dns_suffix_search          one per DNS Suffix Search List entry
//   adapter                    the adapter title without the colon ("Ethernet adapter Ethernet0")
//   media_state                e.g. "Media disconnected"
//   connection_dns_suffix      Connection-specific DNS Suffix
//   connection_dns_suffix_search
//   adapter_description        Description
//   mac_address                Physical Address of 6 octets ("00-50-56-9A-3B-12"), not all zero
//   physical_address           any other Physical Address (tunnel adapters: 8 octets)
//   dhcp_enabled, autoconfiguration_enabled
//   ip_address                 IPv4 / IPv6 / Temporary IPv6 / Link-local IPv6 / Autoconfiguration
//                              IPv4 / IP Address (XP): the address only, without "(Preferred)"
//                              and without an IPv6 "%zone"
//   subnet_mask, default_gateway (one per gateway), dhcp_server, dhcpv6_iaid, dhcpv6_client_duid
//   lease_obtained, lease_expires  raw local text
//   dns_server                 one per DNS server, as written
//   wins_server                Primary / Secondary WINS Server
//   netbios_over_tcpip
//
// Counting (one unit = one line): a line that yields a fact is a stored row;
// blank lines, the banner and fields with an empty value are header units;
// unknown fields, stray text, invalid IP addresses and over-long lines are
// rejected with a reason.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class IpconfigParser final : public Parser {
 public:
  std::string_view name() const override { return "ipconfig"; }
  std::string_view description() const override {
    return "Windows ipconfig /all output (English or German): host names, addresses, DNS";
  }
  Phase phase() const override { return Phase::host_facts; }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
