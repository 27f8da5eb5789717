// Internal to the rule loader (rules/rule_loader*.cpp), not for other
// components: YAML reading helpers and the parsers of a rule's parts. Every
// function returns a failed Status/Result whose message reads
// "file:line: what is wrong; what to do"; none throws on malformed content
// (callers still catch YAML::Exception around them, as yaml-cpp may).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/status.h"
#include "rules/rule.h"

namespace pm::rules::loader {

// The location of a node in `file` (line 0 when yaml-cpp has no mark).
SourceLoc loc_of(const std::string& file, const YAML::Node& node);

// A failed Status "loc: message".
Status fail_at(ErrorKind kind, const SourceLoc& loc, const std::string& message);

// One key of a YAML map, in file order.
struct MapEntry {
  std::string key;
  YAML::Node value;
  SourceLoc key_loc;    // the key's line
  SourceLoc value_loc;  // the value's line (the key's when the value has no mark)
};

// The entries of a map; fails when `node` is not a map (naming `what`), when
// a key is not a scalar, or when a key appears twice.
Result<std::vector<MapEntry>> map_entries(const YAML::Node& node, const SourceLoc& loc,
                                          const std::string& what);

// Fails on the first key not in `allowed`, naming it, `what` and the allowed keys.
Status only_keys(const std::vector<MapEntry>& entries, std::initializer_list<std::string_view> allowed,
                 const std::string& what);

// Scalars. `what` names the value in messages ("'title'"). text() reads null as "".
Result<std::string> text(const YAML::Node& node, const SourceLoc& loc, const std::string& what);
// A list of scalars; a single scalar is a one-element list; null is empty.
Result<std::vector<std::string>> text_list(const YAML::Node& node, const SourceLoc& loc, const std::string& what);
Result<bool> boolean(const YAML::Node& node, const SourceLoc& loc, const std::string& what);
Result<int64_t> integer(const YAML::Node& node, const SourceLoc& loc, const std::string& what);
// A decimal number within [min, max].
Result<double> number_in(const YAML::Node& node, const SourceLoc& loc, const std::string& what, double min,
                         double max);
// A Sigma duration (digits + s, m, h or d: "30m", "7d") in microseconds;
// zero is refused unless `allow_zero`.
Result<int64_t> duration_us(const YAML::Node& node, const SourceLoc& loc, const std::string& what,
                            bool allow_zero);

// True when the plain (unquoted) scalar is a YAML boolean / a decimal integer.
bool plain_boolean(const YAML::Node& node, bool* value);
bool plain_integer(const YAML::Node& node, int64_t* value);

// The parts of a rule. `loc` is the location of the key that holds the part.
// Logsource keys other than product, service and category are ignored
// (Sigma's `definition`, custom keys) unless `strict` (inside the pushmortem block).
Result<Logsource> parse_logsource(const YAML::Node& node, const SourceLoc& loc, bool strict);
Result<Detection> parse_detection(const YAML::Node& node, const SourceLoc& loc);
Result<Correlation> parse_correlation(const YAML::Node& node, const SourceLoc& loc);
Result<Extension> parse_extension(const YAML::Node& node, const SourceLoc& loc);

// Checks the modifiers and values of one `field|mod...` entry (`key` as written).
Status check_field_match(const FieldMatch& match, const std::string& key);

}  // namespace pm::rules::loader
