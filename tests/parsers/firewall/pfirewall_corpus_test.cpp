// The pfirewall.log parser (parsers/firewall/pfirewall_parser.cpp) on the
// shared corpus: every *.log under ../shared/corpus/firewall, counted
// independently with awk (skipped when the corpus is absent).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "parsers/firewall/pfirewall_parser.h"
#include "support/parse_fixture.h"

namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

// Runs a shell command and returns its standard output; fails the test on a
// non-zero exit.
std::string run(const std::string& cmd) {
  INFO("command: " << cmd);
  std::FILE* f = ::popen(cmd.c_str(), "r");
  REQUIRE(f != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int rc = ::pclose(f);
  REQUIRE(rc == 0);
  return out;
}

int64_t run_count(const std::string& cmd) {
  std::string out = run(cmd);
  INFO("output: " << out);
  auto n = std::stoll(out);
  return n;
}

// "  5119 ALLOW\n" lines from `uniq -c` -> {ALLOW: 5119}
std::map<std::string, int64_t> run_uniq_counts(const std::string& cmd) {
  std::map<std::string, int64_t> m;
  std::istringstream in(run(cmd));
  int64_t n;
  std::string key;
  while (in >> n >> key) m[key] = n;
  return m;
}

std::string describe(const std::map<std::string, int64_t>& m) {
  std::ostringstream o;
  for (const auto& [k, v] : m) o << k << '=' << v << ' ';
  return o.str();
}

}  // namespace

TEST_CASE("pfirewall: shared corpus, counted independently with awk", "[parsers][firewall][corpus]") {
  fs::path dir = pm::test::shared_dir() / "corpus" / "firewall";
  if (!pm::test::have_shared_corpus() || !fs::is_directory(dir)) {
    WARN("skipped: no shared corpus at " << dir.string());
    SUCCEED("skipped");
    return;
  }
  const pm::PfirewallParser parser;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".log") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());

  for (const auto& file : files) {
    const std::string q = shell_quote(file.string());
    const std::string clean = "tr -d '\\r' < " + q + " | ";  // CRLF or LF alike
    const int64_t lines = run_count(clean + "awk 'END { print NR }'");
    const int64_t data_lines = run_count(clean + "awk '!/^#/ && NF' | wc -l");
    const int64_t other_lines = run_count(clean + "awk '/^#/ || !NF' | wc -l");
    const auto actions = run_uniq_counts(clean + "awk '!/^#/ && NF { print $3 }' | sort | uniq -c");
    const auto protocols = run_uniq_counts(clean + "awk '!/^#/ && NF { print $4 }' | sort | uniq -c");

    pm::test::Parsed p = pm::test::parse_file(parser, file, "UTC");
    CHECK(p.sink.events.size() == static_cast<size_t>(p.counts.rows_stored));
    CHECK(p.sink.firewall.size() == static_cast<size_t>(p.counts.rows_stored));
    std::map<std::string, int64_t> parsed_actions, parsed_protocols;
    int64_t out_of_order_rows = 0, invalid_rows = 0, ipv6_rows = 0, lost_events = 0;
    for (size_t i = 0; i < p.sink.firewall.size(); ++i) {
      const auto& r = p.sink.firewall[i];
      ++parsed_actions[r.action];
      ++parsed_protocols[r.protocol.empty() ? "-" : r.protocol];
      if (p.sink.events[i].flags & pm::event_flags::out_of_order) ++out_of_order_rows;
      if (p.sink.events[i].flags & pm::event_flags::invalid_value) ++invalid_rows;
      if (r.src_ip.find(':') != std::string::npos) ++ipv6_rows;
      if (r.lost_events) lost_events += *r.lost_events;
    }

    INFO(file.filename().string() << ": " << lines << " lines, " << data_lines << " data lines (awk), "
                                  << pm::test::counts_line(p.counts));
    INFO("awk actions: " << describe(actions) << "| parsed: " << describe(parsed_actions));
    INFO("awk protocols: " << describe(protocols) << "| parsed: " << describe(parsed_protocols));
    INFO("out-of-order rows " << out_of_order_rows << ", invalid rows " << invalid_rows << ", IPv6 rows "
                              << ipv6_rows << ", events lost " << lost_events);
    CHECK(data_lines > 0);
    CHECK(p.counts.units_read == lines);
    CHECK(p.counts.rows_stored + p.counts.rows_rejected == data_lines);
    CHECK(p.counts.header_units == other_lines);
    CHECK(p.counts.rows_rejected == 0);
    CHECK(parsed_actions == actions);
    CHECK(parsed_protocols == protocols);
    CHECK(invalid_rows == 0);
    if (file.filename() == "pfirewall-win10-2021.log") {
      CHECK(p.counts.rows_stored == 16809);  // as documented in corpus/README.md
      CHECK(out_of_order_rows >= 2);         // both INFO-EVENTS-LOST rows are late
    }
  }
}
