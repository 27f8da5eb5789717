#include "parsers/registry.h"

#include "parsers/firewall/pfirewall_parser.h"

namespace pm {

const std::vector<const Parser*>& all_parsers() {
  // The one list. Add a parser here (and nowhere else) to make ingest use it.
  static const PfirewallParser pfirewall;
  static const std::vector<const Parser*> list = {
      &pfirewall,
  };
  return list;
}

const Parser* find_parser(std::string_view name) {
  for (const Parser* p : all_parsers())
    if (p->name() == name) return p;
  return nullptr;
}

SniffDecision sniff_all(const Head& head) {
  SniffDecision best;
  std::string best_miss;
  for (const Parser* p : all_parsers()) {
    SniffResult r = p->sniff(head);
    if (r.score > best.result.score) {
      best.result = r;
      best.parser = p;
    }
  }
  if (best.result.score < kSniffThreshold) {
    std::string why = head.encoding.encoding == Encoding::binary ? "binary content" : "text";
    best.parser = nullptr;
    best.result.reason = "no parser recognises this " + why +
                         (best.result.score > 0 ? " (closest: " + best.result.reason + ")" : "");
    best.result.score = 0;
  }
  return best;
}

}  // namespace pm
