// Helpers for the Windows event export parser tests (evt-xml, evt-csv,
// evt-text): parse a file and check what these parsers owe - counts that
// reconcile in their own unit (not lines), one RejectedRow per rejected unit,
// one win_event per stored unit and no other row kind.
#pragma once

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "support/parse_fixture.h"

namespace pm::test {

// claims_host: the parser may claim the host (evtx does; the export parsers never do).
inline Parsed parse_events(const Parser& parser, const std::filesystem::path& file, const std::string& zone,
                           const std::string& unit, bool claims_host = false) {
  INFO("parsing " << file.string() << " with " << parser.name() << " zone '" << zone << "'");
  REQUIRE(std::filesystem::exists(file));
  TestSource src(file, zone);
  Parsed p;
  auto r = parser.parse(src.ref, p.sink);
  INFO(r.status().message());
  REQUIRE(r);
  p.counts = r.value();
  INFO(counts_line(p.counts));
  CHECK(p.counts.reconciles());
  CHECK(p.counts.unit == unit);
  CHECK(p.sink.rejects.size() == static_cast<size_t>(p.counts.rows_rejected));
  CHECK(p.sink.win_events.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.events.size() == p.sink.win_events.size());
  if (!claims_host) CHECK(p.sink.claims.empty());
  return p;
}

// The data value named `name` of a row, or "<absent>".
inline std::string data_value(const WinEventRow& row, const std::string& name) {
  for (const auto& [n, v] : row.data)
    if (n == name) return v;
  return "<absent>";
}

}  // namespace pm::test
