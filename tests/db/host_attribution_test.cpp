// Host attribution from bundle folder names.
#include <catch2/catch.hpp>

#include "db/host_attribution.h"

using namespace pm::db;

namespace {
bool none(std::string_view) { return false; }
}  // namespace

TEST_CASE("FQDN-shaped folders name hosts; file, archive and version names do not", "[db][hosts]") {
  CHECK(looks_like_fqdn("fs01.contoso.com"));
  CHECK(looks_like_fqdn("DPM-01.corp.contoso.local"));
  CHECK_FALSE(looks_like_fqdn("pfirewall.log"));
  CHECK_FALSE(looks_like_fqdn("bundle.zip"));
  CHECK_FALSE(looks_like_fqdn("10.19.58.0"));  // DPM agent coordinator version folder
  CHECK_FALSE(looks_like_fqdn("10.0.0.21"));
  CHECK_FALSE(looks_like_fqdn("Microsoft System Center"));
  CHECK_FALSE(looks_like_fqdn("logs.2024"));
}

TEST_CASE("NetBIOS-shaped folders name hosts unless they are common folder names", "[db][hosts]") {
  CHECK(looks_like_netbios("FS01"));
  CHECK(looks_like_netbios("DPM-SRV-01"));
  CHECK_FALSE(looks_like_netbios("Firewall"));
  CHECK_FALSE(looks_like_netbios("LogFiles"));
  CHECK_FALSE(looks_like_netbios("System32"));
  CHECK_FALSE(looks_like_netbios("ThisNameIsTooLongForNetBIOS"));
  CHECK_FALSE(looks_like_netbios("2024"));
}

TEST_CASE("folder rules: known host, then deepest FQDN, then shallowest NetBIOS name", "[db][hosts]") {
  auto h = host_from_folders("fs01.contoso.com/Windows/System32/LogFiles/Firewall/pfirewall.log", false, none);
  REQUIRE(h);
  CHECK(h->name == "fs01.contoso.com");
  CHECK(h->reason.find("FQDN") != std::string::npos);

  h = host_from_folders("case-4711/FS01/Firewall/pfirewall.log", true, none);  // wrapper folder skipped
  REQUIRE(h);
  CHECK(h->name == "FS01");

  h = host_from_folders("FS01/pfirewall.log", false, none);
  REQUIRE(h);
  CHECK(h->name == "FS01");

  auto known = [](std::string_view n) { return n == "dpmserver"; };
  h = host_from_folders("dpmserver/sub.example.com/x.log", false, known);
  REQUIRE(h);
  CHECK(h->name == "dpmserver");  // a known host beats an FQDN-shaped folder

  CHECK_FALSE(host_from_folders("pfirewall.log", false, none));
  CHECK_FALSE(host_from_folders("logs/firewall/pfirewall.log", false, none));
  CHECK_FALSE(host_from_folders("bundle.zip/pfirewall.log", false, none));  // archive names are not folders
}

TEST_CASE("parent folders of bundle paths", "[db][hosts]") {
  CHECK(parent_folder("a/b/c.log") == "a/b");
  CHECK(parent_folder("c.log").empty());
  CHECK(folder_components("a.zip/b/c.log") == std::vector<std::string>{"b"});
}
