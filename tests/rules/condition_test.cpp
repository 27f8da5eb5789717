#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rules/condition.h"

using pm::ErrorKind;
using pm::rules::ConditionNode;
using pm::rules::expand_pattern;
using pm::rules::parse_condition;
using pm::rules::Selection;
using pm::rules::SourceLoc;

namespace {

std::vector<Selection> selections(const std::vector<std::string>& names) {
  std::vector<Selection> out;
  for (const auto& n : names) {
    Selection s;
    s.name = n;
    out.push_back(s);
  }
  return out;
}

// The tree as an s-expression: (and a (not b)), (1of filter_*), (allof them).
std::string render(const ConditionNode& n) {
  switch (n.kind) {
    case ConditionNode::Kind::selection: return n.name;
    case ConditionNode::Kind::one_of: return "(1of " + n.name + ")";
    case ConditionNode::Kind::all_of: return "(allof " + n.name + ")";
    default: break;
  }
  std::string out = n.kind == ConditionNode::Kind::and_ ? "(and" : n.kind == ConditionNode::Kind::or_ ? "(or" : "(not";
  for (const auto& c : n.children) out += " " + render(*c);
  return out + ")";
}

const std::vector<Selection> kSels = selections({"sel", "sel-2", "sel.3", "filter_a", "filter_b", "_hidden"});
const SourceLoc kLoc{"rules/x.yml", 12};

std::string tree(const std::string& text) {
  auto r = parse_condition(text, kSels, kLoc);
  INFO(text << " -> " << r.status().message());
  REQUIRE(r.is_ok());
  return render(*r.value());
}

pm::Status error_of(const std::string& text) {
  auto r = parse_condition(text, kSels, kLoc);
  REQUIRE_FALSE(r.is_ok());
  return r.status();
}

}  // namespace

TEST_CASE("condition: precedence is not > and > or", "[rules][condition]") {
  CHECK(tree("sel or sel-2 and not sel.3") == "(or sel (and sel-2 (not sel.3)))");
  CHECK(tree("not sel and sel-2") == "(and (not sel) sel-2)");
  CHECK(tree("sel and sel-2 or sel.3 and not filter_a") == "(or (and sel sel-2) (and sel.3 (not filter_a)))");
  CHECK(tree("not not sel") == "(not (not sel))");
}

TEST_CASE("condition: parentheses and flattened chains", "[rules][condition]") {
  CHECK(tree("(sel or sel-2) and sel.3") == "(and (or sel sel-2) sel.3)");
  CHECK(tree("sel and (sel-2 or (sel.3))") == "(and sel (or sel-2 sel.3))");
  CHECK(tree("sel and sel-2 and sel.3") == "(and sel sel-2 sel.3)");
  CHECK(tree("sel or sel-2 or sel.3 or filter_a") == "(or sel sel-2 sel.3 filter_a)");
  CHECK(tree("not (sel or sel-2)") == "(not (or sel sel-2))");
}

TEST_CASE("condition: keywords are case-insensitive, whitespace is free", "[rules][condition]") {
  CHECK(tree("sel AND NOT sel-2 Or sel.3") == "(or (and sel (not sel-2)) sel.3)");
  CHECK(tree("  sel\n\tand\r\n  sel-2 ") == "(and sel sel-2)");
  CHECK(tree("ALL OF them") == "(allof them)");
  CHECK(tree("1 OF THEM") == "(1of them)");
}

TEST_CASE("condition: 1 of / all of with patterns", "[rules][condition]") {
  CHECK(tree("sel and not 1 of filter_*") == "(and sel (not (1of filter_*)))");
  CHECK(tree("all of sel* or 1 of them") == "(or (allof sel*) (1of them))");
  CHECK(tree("1 of sel") == "(1of sel)");
  CHECK(tree("(1 of filter_*)") == "(1of filter_*)");
}

TEST_CASE("condition: errors name the text, the position and the place", "[rules][condition]") {
  auto st = error_of("sel and not filtr");
  CHECK(st.kind() == ErrorKind::bad_input);
  CHECK(st.message() ==
        "rules/x.yml:12: condition 'sel and not filtr' names 'filtr', which is no selection of the detection "
        "(at position 13); define it or use one of: sel, sel-2, sel.3, filter_a, filter_b, _hidden");

  st = error_of("sel and not 1 of other_*");
  CHECK(st.kind() == ErrorKind::bad_input);
  CHECK(st.message() ==
        "rules/x.yml:12: condition 'sel and not 1 of other_*' uses 'other_*', which matches no selection "
        "(at position 18); selections are: sel, sel-2, sel.3, filter_a, filter_b, _hidden");

  CHECK_THAT(error_of("(sel or sel-2").message(), Catch::Contains("misses a ')' (at the end)"));
  CHECK_THAT(error_of("sel)").message(), Catch::Contains("has an unmatched ')' (at position 4)"));
  CHECK_THAT(error_of("sel and").message(), Catch::Contains("expects a selection name but finds nothing (at the end)"));
  CHECK_THAT(error_of("sel and or sel-2").message(), Catch::Contains("finds 'or' (at position 9)"));
  CHECK_THAT(error_of("sel sel-2").message(), Catch::Contains("has an unexpected 'sel-2' (at position 5)"));
  CHECK_THAT(error_of("sel*").message(), Catch::Contains("uses the pattern 'sel*' on its own (at position 1)"));
  CHECK_THAT(error_of("them").message(), Catch::Contains("uses 'them' without a quantifier"));
  CHECK_THAT(error_of("").message(), Catch::Contains("condition '' is empty"));
  CHECK_THAT(error_of("   ").message(), Catch::Contains("is empty"));
  CHECK_THAT(error_of("sel & sel-2").message(), Catch::Contains("unexpected character '&' (at position 5)"));
  CHECK_THAT(error_of("1 of").message(), Catch::Contains("misses what '1 of' applies to (at the end)"));
  CHECK_THAT(error_of("1 of (sel)").message(), Catch::Contains("misses what '1 of' applies to (at position 6)"));
  CHECK_THAT(error_of("some of sel").message(), Catch::Contains("uses 'some of'"));
  CHECK_THAT(error_of("1 of _nothing*").message(), Catch::Contains("matches no selection"));
}

TEST_CASE("condition: unsupported Sigma features are refused as unsupported", "[rules][condition]") {
  auto st = error_of("sel | count() by ComputerName > 5");
  CHECK(st.kind() == ErrorKind::unsupported);
  CHECK(st.message() ==
        "rules/x.yml:12: condition 'sel | count() by ComputerName > 5' uses the aggregation pipe '|', which is not "
        "supported (at position 5); use a correlation rule (event_count or value_count) instead");

  st = error_of("2 of filter_*");
  CHECK(st.kind() == ErrorKind::unsupported);
  CHECK_THAT(st.message(), Catch::Contains("uses '2 of', which is not supported (at position 1)"));

  st = error_of("sel and any of filter_*");
  CHECK(st.kind() == ErrorKind::unsupported);
  CHECK_THAT(st.message(), Catch::Contains("uses 'any of'") && Catch::Contains("write '1 of' instead"));

  st = error_of("sel near sel-2");
  CHECK(st.kind() == ErrorKind::unsupported);
  CHECK_THAT(st.message(), Catch::Contains("uses 'near'") && Catch::Contains("(at position 5)"));

  // The pipe is refused even when the expression before it is wrong too.
  CHECK(error_of("nosuch | count() > 2").kind() == ErrorKind::unsupported);
}

TEST_CASE("condition: nesting is limited", "[rules][condition]") {
  std::string deep = std::string(200, '(') + "sel" + std::string(200, ')');
  CHECK(error_of(deep).kind() == ErrorKind::limit);
  std::string nots;
  for (int i = 0; i < 200; ++i) nots += "not ";
  CHECK(error_of(nots + "sel").kind() == ErrorKind::limit);
  std::string ok = std::string(30, '(') + "sel" + std::string(30, ')');
  CHECK(tree(ok) == "sel");
}

TEST_CASE("condition: expand_pattern", "[rules][condition]") {
  using V = std::vector<std::string>;
  CHECK(expand_pattern("them", kSels) == V{"sel", "sel-2", "sel.3", "filter_a", "filter_b"});
  CHECK(expand_pattern("THEM", kSels) == V{"sel", "sel-2", "sel.3", "filter_a", "filter_b"});
  CHECK(expand_pattern("filter_*", kSels) == V{"filter_a", "filter_b"});
  CHECK(expand_pattern("*", kSels) == V{"sel", "sel-2", "sel.3", "filter_a", "filter_b"});
  CHECK(expand_pattern("*_b", kSels) == V{"filter_b"});
  CHECK(expand_pattern("s*l*", kSels) == V{"sel", "sel-2", "sel.3"});
  CHECK(expand_pattern("sel", kSels) == V{"sel"});
  CHECK(expand_pattern("_h*", kSels) == V{"_hidden"});
  CHECK(expand_pattern("Filter_*", kSels).empty());
  CHECK(expand_pattern("filter_", kSels).empty());
  CHECK(expand_pattern("them", {}).empty());
}
