// All YAML documents of a text, safe against the yaml-cpp 0.7 loop on a stray
// flow-entry ',' at block level (YAML::LoadAll never returns on ", : x").
//
// load_yaml_documents(text) returns YAML::LoadAll(text) after a first pass over
// yaml-cpp's own event stream proves that every document moves the parser
// forward; a document that starts where the previous one started means the
// parser is stuck, and a YAML::ParserException with that position is thrown
// instead (as for any other syntax error). Throws what YAML::LoadAll throws.
// Stateless; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace pm::rules {

std::vector<YAML::Node> load_yaml_documents(const std::string& text);

}  // namespace pm::rules
