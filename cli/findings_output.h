// Writes findings (rules/explain/finding.h) for people and programs:
// text (per finding: title, host, confidence, narrative, evidence timeline in
// UTC with host and source:line, what was absent or missing and why it
// matters, the fix), JSON (an array of finding objects; field list in
// docs/user-guide.md) and Markdown (for tickets). Pure formatting.
#pragma once

#include <string>
#include <vector>

#include "rules/explain/engine.h"

namespace pm::cli {

enum class FindingsFormat { text, json, md };

std::string findings_text(const rules::ExplainResult& result, bool color);
std::string findings_json(const rules::ExplainResult& result);
std::string findings_markdown(const rules::ExplainResult& result);

}  // namespace pm::cli
