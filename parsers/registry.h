// The one explicit list of parsers. sniff_all() scores a head against every
// parser and returns the best match (score >= kSniffThreshold) or none.
#pragma once

#include <string>
#include <vector>

#include "parsers/core/parser.h"

namespace pm {

inline constexpr int kSniffThreshold = 50;

const std::vector<const Parser*>& all_parsers();
const Parser* find_parser(std::string_view name);

struct SniffDecision {
  const Parser* parser = nullptr;  // null: no parser claims the file
  SniffResult result;              // the winner's, or why nothing matched
};
SniffDecision sniff_all(const Head& head);

}  // namespace pm
