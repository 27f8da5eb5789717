// `systeminfo` output (the default /FO LIST layout, and /FO CSV with its
// header row), English and German labels, Windows XP/2003 through Server
// 2022 / Windows 11. Typical captures: `systeminfo > host.txt` from cmd (OEM
// code page), from PowerShell 5 (UTF-16LE with BOM), or UTF-8.
//
// Layout: a "Label:" at column 0, the value aligned at a fixed column; block
// fields (Processor(s), Hotfix(s), Network Card(s), Hyper-V Requirements,
// several Page File Location(s)) continue on indented lines.
//
// Host facts emitted (HostFactRow.fact = value as written, trimmed):
//   host_name                 Host Name / Hostname (also sink.claim_host(name, "systeminfo Host Name"))
//   fqdn                      host_name + "." + domain, when the domain contains a dot
//   os_name, os_version, os_manufacturer, os_configuration, os_build_type
//   registered_owner, registered_organization, product_id
//   install_date              Original Install Date, raw local text ("3/14/2016, 10:22:31 AM")
//   boot_time                 System Boot Time, raw local text (Vista and later)
//   up_time                   System Up Time, raw text (XP / Server 2003)
//   system_manufacturer, system_model, system_type, bios_version
//   processor                 one per "[nn]: ..." line of Processor(s)
//   windows_directory, system_directory, boot_device, system_locale, input_locale
//   time_zone                 the display name as printed ("(UTC-05:00) Eastern Time (US & Canada)")
//   total_physical_memory, available_physical_memory,
//   virtual_memory_max_size, virtual_memory_available, virtual_memory_in_use
//                             (also XP's "Page File: Max Size/Available/In Use")
//   page_file                 one per Page File Location(s) line
//   domain                    domain or workgroup name
//   logon_server              e.g. "\\DC01"
//   hotfix                    one per "[nn]: KB..." line of Hotfix(s)
//   network_adapter           one per NIC ("[nn]: Intel(R) ... Connection")
//   network_connection_name, dhcp_enabled, dhcp_server, network_status  (per NIC, in order)
//   ip_address                one per address of a NIC's "IP address(es)" list
//   hyper_v_requirements      one per line of Hyper-V Requirements
//   unparsed                  CSV only: a part of a multi-line cell that could not be
//                             understood (a CSV record is one unit, so it cannot be rejected alone)
//
// Counting (one unit = one line): a line that yields at least one fact is a
// stored row; blank lines, "Loading ..." progress lines, block header lines
// ("Hotfix(s): 3 Hotfix(s) Installed.", "IP address(es)"), fields with an
// empty value and the CSV header row are header units; anything else
// (unknown labels, stray text, invalid IP addresses, over-long lines) is
// rejected with a reason.
//
// Text decoded from the OEM code page (cmd redirection on a German system,
// read as Windows-1252) is repaired to CP850 once a German label proves it.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class SysteminfoParser final : public Parser {
 public:
  std::string_view name() const override { return "systeminfo"; }
  std::string_view description() const override {
    return "Windows systeminfo output (list or CSV; English or German): host facts";
  }
  Phase phase() const override { return Phase::host_facts; }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
