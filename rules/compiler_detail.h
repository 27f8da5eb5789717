// Internals of the detection compiler (rules/compiler.h), shared by
// compiler.cpp (query shape, conditions), compiler_match.cpp (one
// `field|modifiers: values` entry) and compiler_values.cpp (Sigma strings,
// wildcards, value transforms). Not part of the rule engine's interface.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/rows.h"
#include "parsers/core/status.h"
#include "rules/compiler.h"

namespace pm::rules::compiler {

// Bound parameters: each distinct value is bound once and referenced as ?N.
class Params {
 public:
  std::string add(Value value);
  std::vector<Value> take() { return std::move(values_); }

 private:
  std::map<Value, size_t> index_;
  std::vector<Value> values_;
};

// What the compiler needs while compiling one detection.
struct Context {
  const Mapping& mapping;
  const TableDef& table;
  const LogsourceDef& logsource;
  const CompileOptions& options;
  Params& params;
};

// A predicate and a rough cost, so that the cheap entries of a selection map run first.
struct Predicate {
  std::string sql;
  int cost = 0;
};

// "file:line: what" (just "what" without a location).
Status refuse(ErrorKind kind, const SourceLoc& loc, const std::string& what);

// SQL for a mapped column: "events.x" -> e."x", "x" -> t."x"; for the
// standalone column roles, an expression (anything else) is used as is, in
// parentheses; empty -> NULL.
std::string column_sql(const std::string& column);
std::string quote_identifier(std::string_view name);

// The WHERE-ready predicate of one selection (its maps OR-ed, entries AND-ed).
Result<std::string> compile_selection(const Selection& selection, Context& ctx);
// A requested output field as text (NULL when absent).
Result<std::string> output_field(const std::string& field, Context& ctx);

// ---- Sigma strings (compiler_values.cpp)

// A Sigma string value after escape processing: literal bytes and the
// wildcards * (any run) and ? (one character).
struct Token {
  enum class Kind : uint8_t { literal, any, one };
  Kind kind = Kind::literal;
  char c = 0;
};
using Pattern = std::vector<Token>;

// One alternative to match: a pattern, and whether it must match exactly
// (`cased`, or base64 text, which is case-sensitive by nature).
struct MatchValue {
  Pattern pattern;
  bool exact = false;
};

Pattern parse_sigma_string(std::string_view raw);
Pattern literal_pattern(std::string_view text);
bool has_wildcards(const Pattern& p);
std::string literal_text(const Pattern& p);  // the bytes of a pattern without wildcards
std::string like_pattern(const Pattern& p);  // for LIKE ... ESCAPE '\'
std::string glob_pattern(const Pattern& p);  // for GLOB (case-sensitive)

std::string base64_encode(std::string_view bytes);
// The three encodings of `bytes` at offsets 0, 1 and 2 of a base64 stream, as
// Sigma's base64offset defines them (only the characters that do not depend
// on the surrounding bytes).
std::vector<std::string> base64_offsets(std::string_view bytes);
// `text`, plus `text` with every '-' replaced by '/', en dash, em dash and horizontal bar.
std::vector<Pattern> windash_variants(const Pattern& p);

// %name% placeholders of an `expand` value: each placeholder is replaced by
// each of its values (several placeholders: every combination). An unknown
// placeholder is an error naming it and `loc`.
using Placeholders = std::map<std::string, std::vector<std::string>>;
Result<std::vector<std::string>> expand_raw(std::string_view raw, const Placeholders& placeholders,
                                            const SourceLoc& loc);
// The same, on Sigma strings: literal text and placeholder values are parsed
// separately, so a value's trailing backslash never escapes what follows.
Result<std::vector<Pattern>> expand_patterns(std::string_view raw, const Placeholders& placeholders,
                                             const SourceLoc& loc);

// ---- modifiers and values (compiler_modifiers.cpp)

enum class Position { none, contains, startswith, endswith };

struct Modifiers {
  Position position = Position::none;  // base64offset implies contains
  bool all = false, cased = false, re = false, cidr = false, exists = false, expand = false;
  std::string compare;                  // gt, gte, lt, lte, or empty
  std::string re_flags;                 // i, m, s in that order
  std::vector<std::string> transforms;  // windash, base64, base64offset, in written order
};

// Checks an entry's modifiers; unknown ones and bad combinations are refused (unsupported, file:line).
Result<Modifiers> parse_modifiers(const FieldMatch& match);

// One value of an entry after its modifiers: the alternatives it stands for.
struct ValueSpec {
  enum class Kind { null, strings, regexp, cidr, compare };
  Kind kind = Kind::strings;
  std::vector<MatchValue> alts;     // strings: patterns (position wildcards added)
  std::vector<std::string> params;  // regexp, cidr, compare: the bound ?N of each alternative
};

// Applies the modifiers to one value. Regular expressions and CIDR ranges are
// checked (usage errors naming the value's line); placeholders come from ctx.options.
Result<ValueSpec> value_spec(const SigmaValue& value, const Modifiers& modifiers, Context& ctx);

}  // namespace pm::rules::compiler
