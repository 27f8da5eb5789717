// One `field|modifiers: values` entry, keyword lists and selections as SQL
// predicates (rules/compiler_detail.h). Values are always bound parameters.
#include <algorithm>
#include <string>
#include <vector>

#include "parsers/core/net_util.h"
#include "parsers/core/strings.h"
#include "rules/compiler_detail.h"

namespace pm::rules::compiler {
namespace {

// Where a field's values are looked for.
struct Target {
  enum class Kind { column, data_item, data_any };
  Kind kind = Kind::column;
  std::string expr;  // column: SQL expression
  std::string name;  // data_item: the EventData/UserData name
  FieldType type = FieldType::text;
};

std::string join(const std::vector<std::string>& parts, const char* op, const char* empty) {
  if (parts.empty()) return empty;
  if (parts.size() == 1) return parts[0];
  std::string out = "(";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? op : "") + parts[i];
  return out + ")";
}

std::string in_list(const std::string& lhs, std::vector<std::string> params) {
  std::sort(params.begin(), params.end());
  params.erase(std::unique(params.begin(), params.end()), params.end());
  if (params.size() == 1) return lhs + " = " + params[0];
  std::string out = lhs + " IN (";
  for (size_t i = 0; i < params.size(); ++i) out += (i ? ", " : "") + params[i];
  return out + ")";
}

// A text value as an integer when it is one (optional '-', digits), else NULL.
std::string numeric(const std::string& x, FieldType type) {
  if (type == FieldType::integer) return "(CASE WHEN typeof(" + x + ") = 'integer' THEN " + x + " END)";
  return "(CASE WHEN typeof(" + x + ") IN ('integer', 'real') THEN " + x + " WHEN trim(" + x +
         ") GLOB '[0-9]*' AND trim(" + x + ") NOT GLOB '*[^0-9]*' OR trim(" + x + ") GLOB '-[0-9]*' AND substr(trim(" +
         x + "), 2) NOT GLOB '*[^0-9]*' THEN CAST(trim(" + x + ") AS INTEGER) END)";
}

const char* compare_op(const std::string& c) { return c == "gt" ? " > " : c == "gte" ? " >= " : c == "lt" ? " < " : " <= "; }

// The non-null values of an entry, OR-ed, over the value expression `x`.
std::string match_sql(const std::vector<const ValueSpec*>& values, const std::string& compare, const std::string& x,
                      FieldType type, Params& params) {
  std::vector<std::string> ints, nocase, exact, parts;
  for (const ValueSpec* v : values) {
    for (const std::string& p : v->params) {
      if (v->kind == ValueSpec::Kind::regexp) parts.push_back("pm_regexp(" + p + ", " + x + ")");
      else if (v->kind == ValueSpec::Kind::cidr) parts.push_back("pm_cidr(" + x + ", " + p + ")");
      else parts.push_back(numeric(x, type) + compare_op(compare) + p);
    }
    for (const MatchValue& mv : v->alts) {
      if (has_wildcards(mv.pattern)) {
        parts.push_back(mv.exact ? x + " GLOB " + params.add(glob_pattern(mv.pattern))
                                 : x + " LIKE " + params.add(like_pattern(mv.pattern)) + " ESCAPE '\\'");
        continue;
      }
      std::string text = literal_text(mv.pattern);
      if (type == FieldType::integer) {
        if (auto n = parse_int(text)) {
          ints.push_back(params.add(*n));
          continue;
        }
      }
      (mv.exact ? exact : nocase).push_back(params.add(text));
    }
  }
  std::vector<std::string> all;
  if (!ints.empty()) all.push_back(in_list(x, ints));
  if (!nocase.empty()) all.push_back(in_list(x + " COLLATE NOCASE", nocase));
  if (!exact.empty()) all.push_back(in_list(x + " COLLATE BINARY", exact));
  all.insert(all.end(), parts.begin(), parts.end());
  return join(all, " OR ", "0");
}

// Keyed on t.event_id (not e's): SQLite then runs the subquery only for
// detail rows that passed the cheaper column checks of the same row.
std::string data_exists(const std::string& name_param, const std::string& inner) {
  return "EXISTS (SELECT 1 FROM win_event_data d WHERE d.event_id = t.event_id" +
         (name_param.empty() ? std::string() : " AND d.name = " + name_param + " COLLATE NOCASE") + " AND " + inner + ")";
}

const char* kNonEmptyData = "coalesce(d.value, '') <> ''";

// Values (OR-ed) on one target; null values mean "absent or empty".
std::string target_sql(const Target& t, const std::vector<const ValueSpec*>& values, const std::string& compare,
                       Params& params) {
  std::vector<const ValueSpec*> present;
  bool null = false;
  for (const ValueSpec* v : values) {
    if (v->kind == ValueSpec::Kind::null) null = true;
    else present.push_back(v);
  }
  std::vector<std::string> parts;
  std::string name = t.kind == Target::Kind::data_item ? params.add(t.name) : std::string();
  if (t.kind == Target::Kind::column) {
    if (!present.empty()) parts.push_back(match_sql(present, compare, t.expr, t.type, params));
    if (null) parts.push_back("coalesce(" + t.expr + ", '') = ''");
  } else {
    if (!present.empty()) parts.push_back(data_exists(name, match_sql(present, compare, "d.value", FieldType::text, params)));
    if (null) parts.push_back("NOT " + data_exists(name, kNonEmptyData));
  }
  return join(parts, " OR ", "0");
}

std::string exists_sql(const Target& t, bool want, Params& params) {
  if (t.kind == Target::Kind::column) return "coalesce(" + t.expr + ", '') " + (want ? "<> ''" : "= ''");
  std::string e = data_exists(t.kind == Target::Kind::data_item ? params.add(t.name) : std::string(), kNonEmptyData);
  return want ? e : "NOT " + e;
}

FieldType column_type(const TableDef& table, const std::string& column) {
  for (const auto& [name, def] : table.fields)
    if (def.column == column) return def.type;
  return FieldType::text;
}

Result<Target> field_target(const std::string& field, const SourceLoc& loc, const Context& ctx) {
  auto def = ctx.mapping.field(ctx.table, field);
  if (!def) {
    std::string known;
    for (const auto& [name, unused] : ctx.table.fields) known += (known.empty() ? "" : ", ") + name;
    return refuse(ErrorKind::unsupported, loc, "field '" + field + "' is not mapped for logsource " + ctx.logsource.key +
                                                   " (table " + ctx.table.name + "); known fields: " + known);
  }
  if (def->column.rfind("event_data.", 0) == 0) return Target{Target::Kind::data_item, "", def->column.substr(11), FieldType::text};
  return Target{Target::Kind::column, column_sql(def->column), "", def->type};
}

Result<std::vector<Target>> keyword_targets(const SourceLoc& loc, const Context& ctx) {
  std::vector<Target> out;
  for (const std::string& c : ctx.table.keyword_columns) {
    if (c == "event_data") out.push_back({Target::Kind::data_any, "", "", FieldType::text});
    else if (c.rfind("event_data.", 0) == 0) out.push_back({Target::Kind::data_item, "", c.substr(11), FieldType::text});
    else out.push_back({Target::Kind::column, column_sql(c), "", column_type(ctx.table, c)});
  }
  if (out.empty())
    return refuse(ErrorKind::unsupported, loc, "keyword search is not available for logsource " + ctx.logsource.key +
                                                   " (table " + ctx.table.name + "); match named fields instead");
  return out;
}

Result<Predicate> compile_entry(const FieldMatch& fm, Context& ctx) {
  auto mods = parse_modifiers(fm);
  if (!mods) return mods.status();
  Modifiers& m = mods.value();
  bool keyword = fm.field.empty();
  if (keyword && m.position == Position::none && !m.re && !m.cidr && !m.exists && m.compare.empty())
    m.position = Position::contains;  // keywords match anywhere in the text
  std::vector<Target> targets;
  if (keyword) {
    auto k = keyword_targets(fm.loc, ctx);
    if (!k) return k.status();
    targets = std::move(k.value());
  } else {
    auto t = field_target(fm.field, fm.loc, ctx);
    if (!t) return t.status();
    targets.push_back(std::move(t.value()));
  }
  int cost = keyword ? 6 : 1;
  for (const Target& t : targets) {
    if (t.kind != Target::Kind::column) cost = std::max(cost, 5);
  }
  if (m.re || m.cidr) cost += 2;
  else if (m.position != Position::none) cost += 1;

  if (fm.values.empty()) return Predicate{"0", 0};
  if (m.exists) {
    const std::string value = ascii_lower(fm.values.front().text);
    if (fm.values.size() != 1 || (value != "true" && value != "false"))
      return refuse(ErrorKind::unsupported, fm.loc, "'exists' takes one value, true or false");
    if (keyword) return refuse(ErrorKind::unsupported, fm.loc, "'exists' needs a field name");
    return Predicate{exists_sql(targets.front(), value == "true", ctx.params), cost};
  }

  std::vector<ValueSpec> specs;
  for (const SigmaValue& v : fm.values) {
    if (keyword && v.kind == SigmaValue::Kind::null)
      return refuse(ErrorKind::unsupported, v.loc, "a keyword cannot be null");
    auto spec = value_spec(v, m, ctx);
    if (!spec) return spec.status();
    specs.push_back(std::move(spec.value()));
  }
  auto over_targets = [&](const std::vector<const ValueSpec*>& values) {
    std::vector<std::string> parts;
    for (const Target& t : targets) parts.push_back(target_sql(t, values, m.compare, ctx.params));
    return join(parts, " OR ", "0");
  };
  if (!m.all) {
    std::vector<const ValueSpec*> values;
    for (const ValueSpec& s : specs) values.push_back(&s);
    return Predicate{over_targets(values), cost};
  }
  std::vector<std::string> each;
  for (const ValueSpec& s : specs) each.push_back(over_targets({&s}));
  return Predicate{join(each, " AND ", "1"), cost};
}

}  // namespace

Result<std::string> compile_selection(const Selection& selection, Context& ctx) {
  if (selection.keywords) {
    FieldMatch fm;
    fm.values = selection.keyword_values;
    fm.loc = selection.loc;
    auto p = compile_entry(fm, ctx);
    if (!p) return p.status();
    return p->sql;
  }
  std::vector<std::string> maps;
  for (const auto& entries : selection.alternatives) {
    if (entries.empty())
      return refuse(ErrorKind::unsupported, selection.loc, "selection '" + selection.name + "' has an empty map");
    std::vector<Predicate> preds;
    for (const FieldMatch& fm : entries) {
      auto p = compile_entry(fm, ctx);
      if (!p) return p.status();
      preds.push_back(std::move(p.value()));
    }
    std::stable_sort(preds.begin(), preds.end(), [](const Predicate& a, const Predicate& b) { return a.cost < b.cost; });
    std::vector<std::string> parts;
    for (const Predicate& p : preds) parts.push_back(p.sql);
    maps.push_back(join(parts, " AND ", "1"));
  }
  return join(maps, " OR ", "0");
}

Result<std::string> output_field(const std::string& field, Context& ctx) {
  auto t = field_target(field, SourceLoc{}, ctx);
  if (!t) return t.status();
  if (t->kind == Target::Kind::column) return "CAST(" + t->expr + " AS TEXT)";
  return "(SELECT d.value FROM win_event_data d WHERE d.event_id = t.event_id AND d.name = " + ctx.params.add(t->name) +
         " COLLATE NOCASE ORDER BY d.position LIMIT 1)";
}

}  // namespace pm::rules::compiler
