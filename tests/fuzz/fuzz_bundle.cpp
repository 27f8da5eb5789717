// libFuzzer target for the bundle walker: the input is written to a scratch
// file and walked as a PATH (archives recognised by content, nested archives
// unpacked), then every file entry's head is read and sniffed by the registry,
// as ingest does. Limits are small so one input stays well under a second.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "parsers/bundle/bundle.h"
#include "parsers/core/text.h"
#include "parsers/registry.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static pm::fuzz::InputFile input("input.bin");
  const std::filesystem::path& file = input.write(data, size);

  pm::BundleLimits limits;
  limits.max_total_bytes = 8ULL << 20;
  limits.max_entry_bytes = 4ULL << 20;
  limits.max_entries = 256;
  limits.max_depth = 4;

  auto bundle = pm::Bundle::open({file}, limits);
  if (!bundle) return 0;
  const auto& entries = bundle.value().entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    const pm::BundleEntry& e = entries[i];
    // The walker's own promises: parents come first, depth stays in the limit,
    // and what is not refused is on disk.
    if (e.parent >= static_cast<int>(i)) std::abort();
    if (e.depth < 0 || e.depth > limits.max_depth + 1) std::abort();
    if (e.kind == pm::BundleEntryKind::file) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(e.disk_path, ec)) std::abort();
      if (auto head = pm::read_head(e.disk_path)) (void)pm::sniff_all(head.value());
    }
  }
  return 0;
}
