// libFuzzer target for the Sigma condition parser: the input is a condition
// parsed against a fixed list of selections (plain, patterned and '_'-hidden
// names). A parsed tree must keep the documented shape: and_/or_ have two or
// more children, not_ exactly one, leaves none; anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "rules/condition.h"

namespace {

std::vector<pm::rules::Selection> make_selections() {
  std::vector<pm::rules::Selection> list;
  for (const char* name : {"selection", "sel", "sel_2", "filter_a", "filter_b", "keywords", "_private", "them1"}) {
    pm::rules::Selection s;
    s.name = name;
    s.loc = {"fuzz.yml", 1};
    list.push_back(std::move(s));
  }
  return list;
}

void check_shape(const pm::rules::ConditionNode& node, int depth) {
  using Kind = pm::rules::ConditionNode::Kind;
  if (depth > 100000) std::abort();
  switch (node.kind) {
    case Kind::and_:
    case Kind::or_:
      if (node.children.size() < 2) std::abort();
      break;
    case Kind::not_:
      if (node.children.size() != 1) std::abort();
      break;
    case Kind::selection:
    case Kind::one_of:
    case Kind::all_of:
      if (!node.children.empty() || node.name.empty()) std::abort();
      break;
  }
  for (const auto& child : node.children) {
    if (!child) std::abort();
    check_shape(*child, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<pm::rules::Selection> selections = make_selections();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto tree = pm::rules::parse_condition(text, selections, {"fuzz.yml", 3});
  if (tree && tree.value()) check_shape(*tree.value(), 0);
  return 0;
}
