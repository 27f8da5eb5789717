// libFuzzer target for the Sigma rule loader: the input is YAML text given to
// load_rules_text (every document, detection, modifier, condition and
// pushmortem: block is checked there); rules that load go through the
// cross-rule checks too. Bad YAML must come back as a failed Result: an
// exception escaping the loader, a crash or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/rule_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = pm::rules::load_rules_text(text, "fuzz.yml");
  if (rules) (void)pm::rules::check_rule_set(rules.value());
  return 0;
}
