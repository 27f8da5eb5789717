// Message templates (parsers/data/event_messages.tsv) and the renderer.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "parsers/events/messages.h"

using namespace pm;

namespace {

WinEventRow event(std::string provider, int64_t id, std::vector<std::pair<std::string, std::string>> data) {
  WinEventRow r;
  r.provider = std::move(provider);
  r.event_id = id;
  r.data = std::move(data);
  return r;
}

}  // namespace

TEST_CASE("every event the tool reasons about has a message template", "[parsers][messages]") {
  const std::vector<std::pair<std::string, std::vector<int64_t>>> required = {
      {"Service Control Manager", {7000, 7009, 7011, 7023, 7024, 7034, 7036, 7045}},
      {"Microsoft-Windows-DistributedCOM", {10006, 10009, 10016, 10028}},
      {"EventLog", {6005, 6006, 6008, 6013}},
      {"Microsoft-Windows-Security-Auditing", {4624, 4625, 4946, 4947, 4948, 4950, 5152, 5156, 5157, 5158}},
      {"Microsoft-Windows-Windows Firewall With Advanced Security",
       {2002, 2003, 2004, 2005, 2006, 2033, 2052, 2071, 2073, 2097, 2099}},
      {"MsiInstaller", {1033, 1034, 11707, 11708, 11724}},
  };
  for (const auto& [provider, ids] : required)
    for (int64_t id : ids) {
      INFO(provider << " " << id);
      CHECK(has_event_template(provider, id));
    }
  // Aliases (EventSourceName or older provider names) and case.
  CHECK(has_event_template("DCOM", 10028));
  CHECK(has_event_template("microsoft-windows-distributedcom", 10016));
  CHECK(has_event_template("Microsoft-Windows-Eventlog", 6008));
  CHECK_FALSE(has_event_template("Service Control Manager", 1234));
  CHECK_FALSE(has_event_template("", 7045));
}

TEST_CASE("templates render the Windows texts", "[parsers][messages]") {
  SECTION("7045 service installed") {
    auto r = event("Service Control Manager", 7045,
                   {{"ServiceName", "DPMRA"},
                    {"ImagePath", "\"C:\\Program Files\\Microsoft Data Protection Manager\\DPM\\bin\\DPMRA.exe\""},
                    {"ServiceType", "user mode service"},
                    {"StartType", "auto start"},
                    {"AccountName", "LocalSystem"}});
    CHECK(render_event_message(r) ==
          "A service was installed in the system.\n\nService Name:  DPMRA\nService File Name:  \"C:\\Program "
          "Files\\Microsoft Data Protection Manager\\DPM\\bin\\DPMRA.exe\"\nService Type:  user mode service\nService "
          "Start Type:  auto start\nService Account:  LocalSystem");
  }
  SECTION("7036 state change") {
    auto r = event("Service Control Manager", 7036, {{"param1", "DPM Replication Agent"}, {"param2", "running"}});
    CHECK(render_event_message(r) == "The DPM Replication Agent service entered the running state.");
  }
  SECTION("10028 DCOM, found through the EventSourceName") {
    auto r = event("Unknown-Provider", 10028,
                   {{"param1", "fs01.contoso.com"}, {"param2", "4508"}, {"param3", "C:\\Program Files\\DPM\\msdpm.exe"},
                    {"param4", "{E6AC2E83-C7C4-4B6F-8B8C-6B2A7A9D4E2B}"}});
    r.event_source_name = "DCOM";
    CHECK(render_event_message(r) ==
          "DCOM was unable to communicate with the computer fs01.contoso.com using any of the configured protocols; "
          "requested by PID 4508 (C:\\Program Files\\DPM\\msdpm.exe), while activating CLSID "
          "{E6AC2E83-C7C4-4B6F-8B8C-6B2A7A9D4E2B}.");
  }
  SECTION("5157 blocked connection, by field name, with parameter strings") {
    auto r = event("Microsoft-Windows-Security-Auditing", 5157,
                   {{"ProcessID", "4"},
                    {"Application", "System"},
                    {"Direction", "%%14592"},
                    {"SourceAddress", "10.0.0.5"},
                    {"SourcePort", "50432"},
                    {"DestAddress", "10.0.0.10"},
                    {"DestPort", "135"},
                    {"Protocol", "6"},
                    {"FilterRTID", "68000"},
                    {"LayerName", "%%14610"},
                    {"LayerRTID", "44"},
                    {"RemoteUserID", "S-1-0-0"},
                    {"RemoteMachineID", "S-1-0-0"}});
    CHECK(render_event_message(r) ==
          "The Windows Filtering Platform has blocked a connection.\n\nApplication Information:\n\tProcess ID:\t\t4\n"
          "\tApplication Name:\tSystem\n\nNetwork Information:\n\tDirection:\t\tInbound\n\tSource Address:\t\t10.0.0.5\n"
          "\tSource Port:\t\t50432\n\tDestination Address:\t10.0.0.10\n\tDestination Port:\t\t135\n\tProtocol:\t\t6\n\n"
          "Filter Information:\n\tFilter Run-Time ID:\t68000\n\tLayer Name:\t\tReceive/Accept\n\tLayer Run-Time ID:\t44\n"
          "\tRemote User ID:\t\tS-1-0-0\n\tRemote Machine ID:\tS-1-0-0");
    // A version 3 event with an interface index: the optional line appears.
    r.data.insert(r.data.begin() + 8, {"InterfaceIndex", "12"});
    CHECK(render_event_message(r).find("\tProtocol:\t\t6\n\tInterface Index:\t\t12\n\nFilter") != std::string::npos);
  }
}

TEST_CASE("optional parts, positions and missing values", "[parsers][messages]") {
  // 10009: old events have one value, newer ones three.
  CHECK(render_event_message(event("Microsoft-Windows-DistributedCOM", 10009, {{"param1", "dpm01"}})) ==
        "DCOM was unable to communicate with the computer dpm01 using any of the configured protocols.");
  CHECK(render_event_message(event("Microsoft-Windows-DistributedCOM", 10009,
                                   {{"param1", "dpm01"}, {"param2", "368"}, {"param3", "C:\\x.exe"}})) ==
        "DCOM was unable to communicate with the computer dpm01 using any of the configured protocols; requested by PID "
        "368 (C:\\x.exe).");
  // 6013: unnamed, partly empty data; %5 is the fifth value.
  CHECK(render_event_message(event("EventLog", 6013,
                                   {{"Data[1]", ""}, {"Data[2]", ""}, {"Data[3]", ""}, {"Data[4]", ""},
                                    {"Data[5]", "14"}, {"Data[6]", "60"}, {"Data[7]", "480 Pacific Standard Time"}})) ==
        "The system uptime is 14 seconds.");
  // A missing value outside an optional part stays visible.
  CHECK(render_event_message(event("Service Control Manager", 7036, {{"param1", "X"}})) ==
        "The X service entered the %2 state.");
  // 4624 version 0 has no impersonation level; version 2 shows it, expanded.
  auto v0 = event("Microsoft-Windows-Security-Auditing", 4624, {{"SubjectUserSid", "S-1-5-18"}, {"LogonType", "3"}});
  std::string m0 = render_event_message(v0);
  CHECK(m0.rfind("An account was successfully logged on.\n\nSubject:\n\tSecurity ID:\t\tS-1-5-18\n", 0) == 0);
  CHECK(m0.find("\tLogon Type:\t\t3\n\nNew Logon:") != std::string::npos);
  CHECK(m0.find("Impersonation Level") == std::string::npos);
  v0.data.push_back({"ImpersonationLevel", "%%1833"});
  v0.data.push_back({"ElevatedToken", "%%1842"});
  std::string m2 = render_event_message(v0);
  CHECK(m2.find("\tElevated Token:\t\tYes\n\nImpersonation Level:\t\tImpersonation\n\nNew Logon:") != std::string::npos);
  // Parameter strings: known ones expand, unknown ones and plain values stay.
  CHECK(expand_parameter_string("%%1843") == "No");
  CHECK(expand_parameter_string("%%2147942414") == "%%2147942414");
  CHECK(expand_parameter_string("%%") == "%%");
  CHECK(expand_parameter_string("50%") == "50%");
  // MsiInstaller 11707: the data is the message.
  CHECK(render_event_message(event("MsiInstaller", 11707,
                                   {{"Data[1]", "Product: DPM Protection Agent -- Installation completed successfully."},
                                    {"Data[2]", "(NULL)"}})) ==
        "Product: DPM Protection Agent -- Installation completed successfully.");
}

TEST_CASE("events without a template get the generic message", "[parsers][messages]") {
  CHECK(render_event_message(event("Provider", 1234, {{"name", "value"}, {"Data[2]", "x y"}})) ==
        "Provider 1234: name=value Data[2]=x y");
  CHECK(render_event_message(event("", 5, {})) == "Event 5:");
  CHECK(render_event_message(event("Service Control Manager", 7040, {{"param1", "BITS"}})) ==
        "Service Control Manager 7040: param1=BITS");
}
