#include "rules/condition.h"

#include <cctype>
#include <cstddef>
#include <utility>

#include "parsers/core/strings.h"

namespace pm::rules {
namespace {

using NodePtr = std::unique_ptr<ConditionNode>;

constexpr int kMaxDepth = 64;  // nested parentheses / not chains

struct Token {
  enum class Kind { word, lparen, rparen, end };
  Kind kind = Kind::end;
  std::string text;
  std::string lower;  // ASCII lower case of text, for keywords
  size_t pos = 0;     // 0-based offset in the condition text
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '*';
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// '*' matches any run of characters (also none); everything else is literal.
bool glob_match(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

class ConditionParser {
 public:
  ConditionParser(const std::string& text, const std::vector<Selection>& selections, const SourceLoc& loc)
      : text_(text), selections_(selections), loc_(loc) {}

  Result<NodePtr> run() {
    if (Status st = tokenize(); !st) return st;
    if (tokens_.size() == 1) return fail(ErrorKind::bad_input, 0, "is empty", "name a selection, e.g. 'selection'");
    auto root = parse_or(0);
    if (!root) return root;
    const Token& t = peek();
    if (t.kind == Token::Kind::rparen)
      return fail(ErrorKind::bad_input, t.pos, "has an unmatched ')'", "remove it or add the missing '('");
    if (t.kind != Token::Kind::end)
      return fail(ErrorKind::bad_input, t.pos, "has an unexpected '" + t.text + "'",
                  "join expressions with 'and' or 'or'");
    return root;
  }

 private:
  Status fail(ErrorKind kind, size_t pos, const std::string& what, const std::string& hint) const {
    std::string where = pos >= text_.size() ? "at the end" : "at position " + std::to_string(pos + 1);
    return Status::error(kind, loc_.str() + ": condition '" + text_ + "' " + what + " (" + where + "); " + hint);
  }

  Status tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::Kind::lparen : Token::Kind::rparen, std::string(1, c), {}, i});
        ++i;
      } else if (c == '|') {
        return fail(ErrorKind::unsupported, i, "uses the aggregation pipe '|', which is not supported",
                    "use a correlation rule (event_count or value_count) instead");
      } else if (is_word_char(c)) {
        size_t start = i;
        while (i < text_.size() && is_word_char(text_[i])) ++i;
        Token t{Token::Kind::word, text_.substr(start, i - start), {}, start};
        t.lower = ascii_lower(t.text);
        if (t.lower == "near")
          return fail(ErrorKind::unsupported, start, "uses 'near', which is not supported",
                      "use a temporal correlation rule instead");
        tokens_.push_back(std::move(t));
      } else {
        return fail(ErrorKind::bad_input, i, std::string("has an unexpected character '") + c + "'",
                    "use selection names, and, or, not, parentheses, '1 of' and 'all of'");
      }
    }
    tokens_.push_back({Token::Kind::end, {}, {}, text_.size()});
    return Status::ok();
  }

  const Token& peek(size_t ahead = 0) const {
    size_t i = next_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  bool peek_word(const char* lower, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == Token::Kind::word && t.lower == lower;
  }

  // Builds an and_/or_ node, flattening a left operand of the same kind.
  static NodePtr combine(ConditionNode::Kind kind, NodePtr left, NodePtr right) {
    if (left->kind == kind) {
      left->children.push_back(std::move(right));
      return left;
    }
    auto node = std::make_unique<ConditionNode>();
    node->kind = kind;
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    return node;
  }

  Result<NodePtr> parse_or(int depth) {
    auto left = parse_and(depth);
    if (!left) return left;
    NodePtr node = std::move(left.value());
    while (peek_word("or")) {
      ++next_;
      auto right = parse_and(depth);
      if (!right) return right;
      node = combine(ConditionNode::Kind::or_, std::move(node), std::move(right.value()));
    }
    return node;
  }

  Result<NodePtr> parse_and(int depth) {
    auto left = parse_not(depth);
    if (!left) return left;
    NodePtr node = std::move(left.value());
    while (peek_word("and")) {
      ++next_;
      auto right = parse_not(depth);
      if (!right) return right;
      node = combine(ConditionNode::Kind::and_, std::move(node), std::move(right.value()));
    }
    return node;
  }

  Result<NodePtr> parse_not(int depth) {
    if (!peek_word("not")) return parse_primary(depth);
    if (depth >= kMaxDepth)
      return fail(ErrorKind::limit, peek().pos, "nests too deeply", "simplify it");
    ++next_;
    auto operand = parse_not(depth + 1);
    if (!operand) return operand;
    auto node = std::make_unique<ConditionNode>();
    node->kind = ConditionNode::Kind::not_;
    node->children.push_back(std::move(operand.value()));
    return node;
  }

  Result<NodePtr> parse_primary(int depth) {
    const Token& t = peek();
    if (t.kind == Token::Kind::lparen) {
      if (depth >= kMaxDepth) return fail(ErrorKind::limit, t.pos, "nests too deeply", "simplify it");
      ++next_;
      auto inner = parse_or(depth + 1);
      if (!inner) return inner;
      if (peek().kind != Token::Kind::rparen)
        return fail(ErrorKind::bad_input, peek().pos, "misses a ')'", "close every '(' it opens");
      ++next_;
      return inner;
    }
    if (t.kind != Token::Kind::word) {
      std::string found = t.kind == Token::Kind::end ? "nothing" : "'" + t.text + "'";
      return fail(ErrorKind::bad_input, t.pos, "expects a selection name but finds " + found,
                  "complete the expression");
    }
    if (peek_word("of", 1)) return parse_quantified();
    if (t.lower == "and" || t.lower == "or" || t.lower == "of")
      return fail(ErrorKind::bad_input, t.pos, "expects a selection name but finds '" + t.text + "'",
                  "complete the expression");
    if (t.lower == "them" || t.lower == "all")
      return fail(ErrorKind::bad_input, t.pos, "uses '" + t.text + "' without a quantifier",
                  "write '1 of them' or 'all of them'");
    if (t.text.find('*') != std::string::npos)
      return fail(ErrorKind::bad_input, t.pos, "uses the pattern '" + t.text + "' on its own",
                  "write '1 of " + t.text + "' or 'all of " + t.text + "'");
    for (const Selection& s : selections_) {
      if (s.name == t.text) {
        ++next_;
        auto node = std::make_unique<ConditionNode>();
        node->kind = ConditionNode::Kind::selection;
        node->name = t.text;
        return node;
      }
    }
    return fail(ErrorKind::bad_input, t.pos, "names '" + t.text + "', which is no selection of the detection",
                "define it or use one of: " + selection_list());
  }

  // `1 of X` / `all of X` (X: them or a pattern); the current token is the quantifier.
  Result<NodePtr> parse_quantified() {
    const Token& q = peek();
    ConditionNode::Kind kind;
    if (q.lower == "1") {
      kind = ConditionNode::Kind::one_of;
    } else if (q.lower == "all") {
      kind = ConditionNode::Kind::all_of;
    } else if (q.lower == "any") {
      return fail(ErrorKind::unsupported, q.pos, "uses 'any of', which is not supported", "write '1 of' instead");
    } else if (all_digits(q.text)) {
      return fail(ErrorKind::unsupported, q.pos, "uses '" + q.text + " of', which is not supported",
                  "only '1 of' and 'all of' are; use a correlation rule to count matches");
    } else {
      return fail(ErrorKind::bad_input, q.pos, "uses '" + q.text + " of'", "the quantifier is '1' or 'all'");
    }
    const Token& target = peek(2);
    if (target.kind != Token::Kind::word || target.lower == "and" || target.lower == "or" || target.lower == "not") {
      return fail(ErrorKind::bad_input, target.pos, "misses what '" + q.text + " of' applies to",
                  "write 'them' or a selection pattern such as 'filter_*'");
    }
    std::string pattern = target.lower == "them" ? std::string("them") : target.text;
    if (expand_pattern(pattern, selections_).empty()) {
      return fail(ErrorKind::bad_input, target.pos, "uses '" + target.text + "', which matches no selection",
                  "selections are: " + selection_list());
    }
    next_ += 3;
    auto node = std::make_unique<ConditionNode>();
    node->kind = kind;
    node->name = pattern;
    return node;
  }

  std::string selection_list() const {
    std::string out;
    for (const Selection& s : selections_) out += (out.empty() ? "" : ", ") + s.name;
    return out.empty() ? "(none)" : out;
  }

  const std::string& text_;
  const std::vector<Selection>& selections_;
  const SourceLoc& loc_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

Result<std::unique_ptr<ConditionNode>> parse_condition(const std::string& text,
                                                       const std::vector<Selection>& selections,
                                                       const SourceLoc& loc) {
  return ConditionParser(text, selections, loc).run();
}

std::vector<std::string> expand_pattern(const std::string& pattern, const std::vector<Selection>& selections) {
  std::vector<std::string> names;
  bool them = ascii_lower(pattern) == "them";
  bool underscore_pattern = !pattern.empty() && pattern[0] == '_';
  for (const Selection& s : selections) {
    if (!s.name.empty() && s.name[0] == '_' && !underscore_pattern) continue;  // Sigma: hidden from patterns
    if (them || glob_match(pattern, s.name)) names.push_back(s.name);
  }
  return names;
}

}  // namespace pm::rules
