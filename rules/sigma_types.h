// Detection building blocks shared by rules (rules/rule.h) and explanation
// evidence (rules/explain_spec.h): values, selections, logsources. Plain
// values; safe to share read-only between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pm::rules {

// Where something was written: rule file and 1-based line (0 when unknown).
struct SourceLoc {
  std::string file;
  int line = 0;
  std::string str() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

// A scalar value in a detection: Sigma allows strings, numbers, booleans and null.
struct SigmaValue {
  enum class Kind { string, integer, boolean, null };
  Kind kind = Kind::string;
  std::string text;      // as written (for integers and booleans too)
  int64_t number = 0;    // integer value when kind == integer
  SourceLoc loc;
};

// One `field|mod1|mod2: value(s)` entry of a selection map. Values are
// alternatives (OR) unless the `all` modifier is present.
struct FieldMatch {
  std::string field;                   // as written, before the first '|'; empty for keyword maps
  std::vector<std::string> modifiers;  // lower-cased, in order: contains, all, re, i, ...
  std::vector<SigmaValue> values;      // a scalar is a one-element list; [] never matches
  SourceLoc loc;
};

// A named search identifier. Either a keyword list (values matched anywhere in
// the event) or a list of maps, OR-ed; the entries of one map are AND-ed.
struct Selection {
  std::string name;
  bool keywords = false;
  std::vector<SigmaValue> keyword_values;              // when keywords
  std::vector<std::vector<FieldMatch>> alternatives;   // when !keywords
  SourceLoc loc;
};

struct Detection {
  std::vector<Selection> selections;  // in file order
  std::vector<std::string> conditions;  // a list of conditions is OR-ed (Sigma)
  SourceLoc condition_loc;
};

struct Logsource {
  std::string product, service, category;
  SourceLoc loc;
};

}  // namespace pm::rules
