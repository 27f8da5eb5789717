// Tests for the DPM catalogs (parsers/catalog/catalog.cpp over the embedded
// parsers/data/{dpm_errors,hresults,dpm_versions,dpm_ports}.tsv).
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "parsers/catalog/catalog.h"
#include "support/paths.h"

namespace {

namespace cat = pm::catalog;

// Data lines (not blank, not comments) of a data file on disk, to compare with what was embedded.
size_t data_lines(const std::string& file) {
  std::ifstream in(std::string(PM_TESTDATA_DIR) + "/../parsers/data/" + file);
  REQUIRE(in);
  size_t n = 0;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#' && line != "\r") ++n;
  return n;
}

}  // namespace

TEST_CASE("catalog: every data line is read", "[parsers][catalog]") {
  CHECK(cat::load_problems().empty());
  CHECK(cat::dpm_errors().size() == data_lines("dpm_errors.tsv"));
  CHECK(cat::hresults().size() == data_lines("hresults.tsv"));
  CHECK(cat::releases().size() == data_lines("dpm_versions.tsv"));
  CHECK(cat::ports().size() == data_lines("dpm_ports.tsv"));
  CHECK(cat::dpm_errors().size() >= 45);
  CHECK(cat::hresults().size() >= 50);
  // No duplicates.
  std::set<int64_t> ids;
  for (const auto& e : cat::dpm_errors()) CHECK(ids.insert(e.id).second);
  std::set<uint32_t> codes;
  for (const auto& h : cat::hresults()) CHECK(codes.insert(h.code).second);
}

TEST_CASE("catalog: every error id and HRESULT of dpm.md is known", "[parsers][catalog]") {
  for (int64_t id : {270, 277, 291, 293, 294, 295, 300, 302, 303, 304, 305, 306, 308, 309, 310, 312, 313, 314, 316,
                     317, 318, 319, 324, 326, 327, 328, 330, 331, 337, 339, 341, 342, 345, 346, 347, 348, 349, 370,
                     372}) {
    INFO(id);
    const auto* e = cat::find_dpm_error(id);
    REQUIRE(e);
    CHECK(e->kind == "agent");
    CHECK_FALSE(e->message.empty());
    CHECK_FALSE(e->cause.empty());
  }
  REQUIRE(cat::find_dpm_error(354));
  CHECK(cat::find_dpm_error(354)->kind == "other");
  CHECK(cat::find_dpm_error(319)->message.find("communication error with the DPM Agent Coordinator") != std::string::npos);
  CHECK_FALSE(cat::find_dpm_error(1));
  for (uint32_t code : {0x800706BAu, 0x80010119u, 0x80070005u, 0x800706D9u, 0x8007041Du, 0x80070721u, 0x8007274Du,
                        0x80070035u, 0x800706BEu, 0x80070002u, 0x80070003u, 0x800704CFu, 0x80070422u, 0x80070643u,
                        0x80004005u, 0x8007052Eu, 0x80070524u}) {
    INFO(cat::format_hresult(code));
    CHECK(cat::find_hresult(code));
  }
  CHECK(cat::find_hresult(0x800706BA)->symbol == "RPC_S_SERVER_UNAVAILABLE");
  CHECK(cat::find_hresult(0x80070643)->message == "Fatal error during installation.");
}

TEST_CASE("catalog: HRESULT text forms and the Win32 error behind 0x8007xxxx", "[parsers][catalog]") {
  CHECK(cat::parse_hresult("0x800706BA") == 0x800706BAu);
  CHECK(cat::parse_hresult("0X800706ba") == 0x800706BAu);
  CHECK(cat::parse_hresult("800706BA") == 0x800706BAu);
  CHECK(cat::parse_hresult("80070005") == 0x80070005u);  // hex, not decimal
  CHECK(cat::parse_hresult("-2147023174") == 0x800706BAu);
  CHECK(cat::parse_hresult("2147944122") == 0x800706BAu);
  CHECK_FALSE(cat::parse_hresult("319"));
  CHECK_FALSE(cat::parse_hresult("1722"));
  CHECK_FALSE(cat::parse_hresult("0x8007"));
  CHECK_FALSE(cat::parse_hresult("12345678"));  // below the severity bit: a decimal number
  CHECK(cat::format_hresult(0x800706BA) == "0x800706BA");
  CHECK(cat::win32_error(0x800706BA) == 1722u);
  CHECK(cat::win32_error(0x80070643) == 1603u);
  CHECK_FALSE(cat::win32_error(0x80010119));
  CHECK(cat::hresult_from_win32(1722) == 0x800706BAu);
  CHECK(cat::hresult_from_win32(0) == 0u);
  // Every 0x8007xxxx entry round-trips through its Win32 number.
  for (const auto& h : cat::hresults())
    if (auto w = cat::win32_error(h.code)) CHECK(cat::hresult_from_win32(*w) == h.code);
}

TEST_CASE("catalog: message text to HRESULT", "[parsers][catalog]") {
  auto hex = [](const cat::HresultEntry* e) { return e ? e->hex : std::string("none"); };
  CHECK(hex(cat::hresult_for_message("The RPC server is unavailable")) == "0x800706BA");
  CHECK(hex(cat::hresult_for_message("the rpc server is unavailable.")) == "0x800706BA");
  CHECK(hex(cat::hresult_for_message("  The RPC  server is unavailable ;")) == "0x800706BA");
  CHECK(hex(cat::hresult_for_message("Security must be initialized before any interfaces are marshalled or "
                                     "unmarshalled. It cannot be changed one initialized.")) == "0x80010119");
  CHECK(hex(cat::hresult_for_message("Security must be initialized before any interfaces are marshalled or "
                                     "unmarshalled. It cannot be changed once initialized.")) == "0x80010119");
  CHECK(hex(cat::hresult_for_message("Logon failure: unknown user name or bad password.")) == "0x8007052E");
  CHECK(hex(cat::hresult_for_message("The RPC server is")) == "none");
  CHECK(hex(cat::hresult_in_text("Failed to copy: The network path was not found. Retry.")) == "0x80070035");
  // The longest contained message wins ("The remote procedure call failed and did not execute").
  CHECK(hex(cat::hresult_in_text("x: The remote procedure call failed and did not execute.")) == "0x800706BF");
  CHECK(hex(cat::hresult_in_text("The copy failed: Access is denied.")) == "0x80070005");
  CHECK(hex(cat::hresult_in_text("Access denied to the share")) == "none");  // too short to find inside text
  CHECK(hex(cat::hresult_in_text("xthe network path was not found")) == "none");  // not a whole word
}

TEST_CASE("catalog: version to release", "[parsers][catalog]") {
  auto rel = [](const char* v) {
    auto m = cat::release_for_version(v);
    return m ? m->release->release + (m->exact ? " exact" : " line") : std::string("none");
  };
  CHECK(rel("10.19.58.0") == "2019 exact");
  CHECK(rel("10.19.861.0") == "2019 exact");
  CHECK(rel("10.19.500.0") == "2019 line");
  CHECK(rel("5.1.363.0") == "1801 exact");
  CHECK(rel("5.1.370.0") == "1801 line");
  CHECK(rel("5.1.400.0") == "1807 line");
  CHECK(rel("4.2.1205.0") == "2012 R2 exact");
  CHECK(rel("12.0.332.0") == "MABS v2 exact");
  CHECK(rel("9.9.9.9") == "none");
  CHECK(rel("not a version") == "none");
  auto late = cat::release_for_version("10.19.900.0");
  REQUIRE(late);
  CHECK(late->basis.find("newer than the newest update rollup known (10.19.861.0)") != std::string::npos);
  for (const auto& r : cat::releases()) CHECK(r.server_ac_path.find("ProtectionAgents\\AC\\<version>\\dpmac.exe") != std::string::npos);
}

TEST_CASE("catalog: ports do not decide 5718/5719", "[parsers][catalog]") {
  int seen = 0;
  for (const auto& p : cat::ports()) {
    if (p.port == "5718" || p.port == "5719") {
      ++seen;
      CHECK(p.note.find("Sources disagree") != std::string::npos);
    }
  }
  CHECK(seen == 2);
  bool has135 = false;
  for (const auto& p : cat::ports()) has135 = has135 || p.port == "135";
  CHECK(has135);
}
