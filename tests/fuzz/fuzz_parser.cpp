// libFuzzer target for one registered parser, chosen at compile time with
// -DPM_FUZZ_PARSER="name" (one binary per parser, so coverage is per format).
// Each input is written to a scratch file, sniffed by this parser and by the
// whole registry (as ingest does), then parsed into a counting sink whatever
// the sniff said. A parse may fail (Result error) but must not crash, leak or
// hang, and its counts must reconcile: a violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>

#include "parsers/core/parser.h"
#include "parsers/core/text.h"
#include "parsers/core/timezone.h"
#include "parsers/registry.h"
#include "tests/fuzz/counting_sink.h"
#include "tests/fuzz/fuzz_input_file.h"

#ifndef PM_FUZZ_PARSER
#error "compile with -DPM_FUZZ_PARSER=\"<parser name>\""
#endif

namespace {

const pm::Parser& the_parser() {
  static const pm::Parser* parser = [] {
    const pm::Parser* p = pm::find_parser(PM_FUZZ_PARSER);
    if (!p) {
      std::fprintf(stderr, "fuzz_parser: no parser named %s in the registry\n", PM_FUZZ_PARSER);
      std::abort();
    }
    return p;
  }();
  return *parser;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static pm::fuzz::InputFile input("input.bin");
  static const pm::ZoneConverter utc;
  const pm::Parser& parser = the_parser();

  pm::SourceRef source;
  source.file = input.write(data, size);
  source.display_path = "fuzz/input.bin";
  source.zone = &utc;
  source.zone_known = false;
  source.mtime = 1700000000;  // a fixed mtime: dates without a year complete the same way every run

  if (auto head = pm::read_head(source.file)) {
    pm::SniffResult mine = parser.sniff(head.value());
    if (mine.score < 0 || mine.score > 100) std::abort();
    (void)pm::sniff_all(head.value());
  }

  pm::fuzz::CountingSink sink;
  auto counts = parser.parse(source, sink);
  if (counts && !pm::fuzz::counts_hold(counts.value(), sink)) {
    const pm::ParseCounts& c = counts.value();
    std::fprintf(stderr,
                 "fuzz_parser(%s): counts do not reconcile: units_read=%lld rows_stored=%lld rows_rejected=%lld "
                 "header_units=%lld sink_rejects=%lld\n",
                 PM_FUZZ_PARSER, static_cast<long long>(c.units_read), static_cast<long long>(c.rows_stored),
                 static_cast<long long>(c.rows_rejected), static_cast<long long>(c.header_units),
                 static_cast<long long>(sink.rejects));
    std::abort();
  }
  return 0;
}
