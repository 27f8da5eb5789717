// Rule sets (rules/rule_loader.h): merging an extra pack over a base pack,
// and the checks that need every rule at once.
#include <map>

#include "rules/rule_loader.h"
#include "rules/rule_loader_internal.h"

namespace pm::rules {
namespace {

std::string where(const Rule& r) { return r.loc.line > 0 ? r.loc.str() : r.origin; }

}  // namespace

std::vector<Rule> merge_rules(std::vector<Rule> base, std::vector<Rule> extra) {
  // id -> index among the base rules; a Sigma name replaces too ("name:" is
  // what correlations and findings use, ids are UUIDs nobody types)
  std::map<std::string, size_t> base_slot, name_slot;
  for (size_t i = 0; i < base.size(); ++i) {
    base_slot.emplace(base[i].id, i);
    if (!base[i].name.empty()) name_slot.emplace(base[i].name, i);
  }
  std::vector<bool> replaced(base.size(), false);
  for (Rule& r : extra) {
    auto it = base_slot.find(r.id);
    if (it == base_slot.end() && !r.name.empty()) {
      it = name_slot.find(r.name);
      if (it == name_slot.end()) it = base_slot.end();
    }
    if (it != base_slot.end() && !replaced[it->second]) {
      replaced[it->second] = true;
      base[it->second] = std::move(r);
    } else {
      // A second extra rule with a replaced id is kept, so check_rule_set names both.
      base.push_back(std::move(r));
    }
  }
  return base;
}

Status check_rule_set(const std::vector<Rule>& rules) {
  std::map<std::string, const Rule*> by_id, by_name;
  for (const Rule& r : rules) {
    auto [it, fresh] = by_id.emplace(r.id, &r);
    if (!fresh)
      return loader::fail_at(ErrorKind::bad_input, r.loc,
                             "rule id '" + r.id + "' is also used by the rule at " + where(*it->second) +
                                 "; give one of them another id");
    if (r.name.empty()) continue;
    auto [nit, nfresh] = by_name.emplace(r.name, &r);
    if (!nfresh)
      return loader::fail_at(ErrorKind::bad_input, r.loc,
                             "rule name '" + r.name + "' is also used by the rule at " + where(*nit->second) +
                                 "; correlations refer to rules by name, so names must be unique");
  }
  for (const Rule& r : rules) {
    if (!r.correlation) continue;
    for (const std::string& ref : r.correlation->rules) {
      auto it = by_name.find(ref);
      const Rule* target = it != by_name.end() ? it->second : nullptr;
      if (!target) {
        auto id = by_id.find(ref);
        if (id != by_id.end()) target = id->second;
      }
      if (!target)
        return loader::fail_at(ErrorKind::bad_input, r.correlation->loc,
                               "correlation '" + r.ref() + "' uses rule '" + ref +
                                   "', which is not loaded; load the rule or fix the name (a rule's name or id)");
      if (target->is_correlation())
        return loader::fail_at(ErrorKind::unsupported, r.correlation->loc,
                               "correlation '" + r.ref() + "' uses correlation '" + ref +
                                   "'; correlations of correlations are not supported, list its base rules instead");
    }
  }
  return Status::ok();
}

}  // namespace pm::rules
