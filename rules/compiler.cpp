// compile_detection / compile_presence (rules/compiler.h): the query's shape
// (columns, tables, restrictions, order) and the condition tree. Selections
// and values are compiled in compiler_match.cpp and compiler_values.cpp.
#include "rules/compiler.h"

#include <map>
#include <string>
#include <vector>

#include "rules/compiler_detail.h"
#include "rules/condition.h"

namespace pm::rules {
namespace compiler {

std::string Params::add(Value value) {
  auto it = index_.find(value);
  if (it == index_.end()) {
    values_.push_back(value);
    it = index_.emplace(std::move(value), values_.size()).first;
  }
  return "?" + std::to_string(it->second);
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}


std::string column_sql(const std::string& column) {
  if (column.empty()) return "NULL";
  if (column.rfind("events.", 0) == 0 && is_sql_identifier(std::string_view(column).substr(7)))
    return "e." + quote_identifier(std::string_view(column).substr(7));
  if (is_sql_identifier(column)) return "t." + quote_identifier(column);
  return "(" + column + ")";
}

}  // namespace compiler

namespace {

using compiler::column_sql;
using compiler::Context;
using compiler::Params;

std::string joined(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string bound_list(const std::vector<std::string>& values, Params& params) {
  std::vector<std::string> marks;
  for (const std::string& v : values) marks.push_back(params.add(v));
  return "(" + joined(marks, ", ") + ")";
}

std::string bound_list(const std::vector<int64_t>& values, Params& params) {
  std::vector<std::string> marks;
  for (int64_t v : values) marks.push_back(params.add(v));
  return "(" + joined(marks, ", ") + ")";
}

// The standard columns of a row: event_id, time_us, host_id, source_id, location, message, order_key.
struct RowColumns {
  std::string event_id, time, host, source, location, message, order;
};

RowColumns row_columns(const TableDef& t) {
  if (t.event_keyed)
    return {"e.event_id", "e.time_us", "e.host_id", "e.source_id", "e.location", "e.message", column_sql(t.order_col)};
  return {column_sql(t.event_id_col), column_sql(t.time_col),     column_sql(t.host_col),  column_sql(t.source_col),
          column_sql(t.location_col), column_sql(t.message_expr), column_sql(t.order_col)};
}

std::string from_clause(const TableDef& t) {
  std::string from = " FROM " + compiler::quote_identifier(t.name) + " t";
  if (t.event_keyed) from += " JOIN events e ON e.event_id = t.event_id";
  return from;
}

// format, where and host restrictions, cheapest first.
std::vector<std::string> source_terms(const TableDef& t, const LogsourceDef& ls, const RowColumns& rc,
                                      const std::vector<int64_t>& host_ids, Params& params) {
  std::vector<std::string> terms;
  if (t.event_keyed && !ls.formats.empty()) terms.push_back("e.format IN " + bound_list(ls.formats, params));
  for (const auto& [column, value] : ls.where)
    terms.push_back(column_sql(column) + " = " + params.add(value) + " COLLATE NOCASE");
  if (!host_ids.empty()) terms.push_back(rc.host == "NULL" ? "0" : rc.host + " IN " + bound_list(host_ids, params));
  return terms;
}

class ConditionCompiler {
 public:
  ConditionCompiler(const Detection& d, Context& ctx) : detection_(d), ctx_(ctx) {}

  Result<std::string> node(const ConditionNode& n) {
    switch (n.kind) {
      case ConditionNode::Kind::selection:
        return selection(n.name);
      case ConditionNode::Kind::not_: {
        if (n.children.size() != 1) return malformed("not");
        auto child = node(*n.children[0]);
        if (!child) return child;
        // A predicate over a NULL column is NULL; `not` must still see "no match".
        return "NOT coalesce(" + child.value() + ", 0)";
      }
      case ConditionNode::Kind::and_:
      case ConditionNode::Kind::or_: {
        if (n.children.empty()) return malformed("and/or");
        std::vector<std::string> parts;
        for (const auto& c : n.children) {
          auto part = node(*c);
          if (!part) return part;
          parts.push_back(part.value());
        }
        return "(" + joined(parts, n.kind == ConditionNode::Kind::and_ ? " AND " : " OR ") + ")";
      }
      case ConditionNode::Kind::one_of:
      case ConditionNode::Kind::all_of: {
        std::vector<std::string> names = expand_pattern(n.name, detection_.selections);
        if (names.empty())
          return Status::error(ErrorKind::usage, detection_.condition_loc.str() + ": '" + n.name +
                                                     "' in the condition names no selection");
        std::vector<std::string> parts;
        for (const std::string& name : names) {
          auto part = selection(name);
          if (!part) return part;
          parts.push_back(part.value());
        }
        return "(" + joined(parts, n.kind == ConditionNode::Kind::one_of ? " OR " : " AND ") + ")";
      }
    }
    return malformed("unknown");
  }

 private:
  Status malformed(const char* what) const {
    return Status::error(ErrorKind::usage, detection_.condition_loc.str() + ": malformed condition (" + what + " node)");
  }

  Result<std::string> selection(const std::string& name) {
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
    for (const Selection& s : detection_.selections) {
      if (s.name != name) continue;
      auto sql = compiler::compile_selection(s, ctx_);
      if (!sql) return sql;
      std::string wrapped = "(" + sql.value() + ")";
      cache_[name] = wrapped;
      return wrapped;
    }
    return Status::error(ErrorKind::usage, detection_.condition_loc.str() + ": the condition names '" + name +
                                               "', which is not a selection");
  }

  const Detection& detection_;
  Context& ctx_;
  std::map<std::string, std::string> cache_;
};

}  // namespace

Result<CompiledQuery> compile_detection(const Detection& detection, const Logsource& logsource,
                                        const Mapping& mapping, const CompileOptions& options) {
  auto resolved = mapping.resolve(logsource);
  if (!resolved) return resolved.status();
  const LogsourceDef& ls = *resolved.value();
  const TableDef* table = mapping.table(ls.table);
  if (!table) return Status::error(ErrorKind::usage, "logsource " + ls.key + " names the unknown table " + ls.table);
  if (detection.conditions.empty())
    return Status::error(ErrorKind::usage, detection.condition_loc.str() + ": the detection has no condition");

  Params params;
  Context ctx{mapping, *table, ls, options, params};
  ConditionCompiler cc(detection, ctx);
  std::vector<std::string> conditions;
  for (const std::string& text : detection.conditions) {
    auto tree = parse_condition(text, detection.selections, detection.condition_loc);
    if (!tree) return tree.status();
    auto sql = cc.node(*tree.value());
    if (!sql) return sql.status();
    conditions.push_back(sql.value());
  }

  const RowColumns rc = row_columns(*table);
  std::string sql = "SELECT " + rc.event_id + ", " + rc.time + ", " + rc.host + ", " + rc.source + ", " + rc.location +
                    ", " + rc.message + ", " + rc.order;
  for (const std::string& f : options.fields) {
    auto col = compiler::output_field(f, ctx);
    if (!col) return col.status();
    sql += ", " + col.value();
  }
  sql += from_clause(*table);

  std::vector<std::string> where = source_terms(*table, ls, rc, options.host_ids, params);
  if (rc.time != "NULL") {
    if (options.from_us) where.push_back(rc.time + " >= " + params.add(*options.from_us));
    if (options.to_us) where.push_back(rc.time + " <= " + params.add(*options.to_us));
  }
  where.push_back(conditions.size() == 1 ? conditions[0] : "(" + joined(conditions, " OR ") + ")");
  sql += " WHERE " + joined(where, " AND ");

  std::vector<std::string> order;
  if (rc.time != "NULL") order.insert(order.end(), {rc.time + " IS NULL", rc.time});
  for (const std::string* c : {&rc.source, &rc.location, table->event_keyed ? &rc.event_id : &rc.order})
    if (*c != "NULL") order.push_back(*c);
  if (!order.empty() && options.ordered) sql += " ORDER BY " + joined(order, ", ");
  if (options.limit) sql += " LIMIT " + params.add(*options.limit);

  CompiledQuery q;
  q.sql = std::move(sql);
  q.params = params.take();
  q.fields = options.fields;
  q.logsource = &ls;
  return q;
}

Result<CompiledQuery> compile_presence(const Logsource& logsource, const Mapping& mapping,
                                       const std::vector<int64_t>& host_ids) {
  auto resolved = mapping.resolve(logsource);
  if (!resolved) return resolved.status();
  const LogsourceDef& ls = *resolved.value();
  const TableDef* table = mapping.table(ls.table);
  if (!table) return Status::error(ErrorKind::usage, "logsource " + ls.key + " names the unknown table " + ls.table);

  Params params;
  std::string sql;
  if (!ls.formats.empty() && ls.where.empty()) {
    // The files are there (a file with no rows still says "nothing happened").
    sql = "SELECT 1 FROM sources s WHERE s.status = 'ingested' AND s.format IN " + bound_list(ls.formats, params);
    if (!host_ids.empty()) sql += " AND s.host_id IN " + bound_list(host_ids, params);
  } else if (ls.table == "win_events" && ls.where.size() == 1 && ls.where.begin()->first == "channel") {
    // Which hosts have events of which channel is derived once per case.
    sql = "SELECT 1 FROM temp.pm_host_channels WHERE channel = " + params.add(ls.where.begin()->second) +
          " COLLATE NOCASE";
    if (!host_ids.empty()) sql += " AND host_id IN " + bound_list(host_ids, params);
  } else {
    // Rows of that channel, or of a table the engine derived.
    std::vector<std::string> terms = source_terms(*table, ls, row_columns(*table), host_ids, params);
    sql = "SELECT 1" + from_clause(*table);
    if (!terms.empty()) sql += " WHERE " + joined(terms, " AND ");
  }
  sql += " LIMIT 1";

  CompiledQuery q;
  q.sql = std::move(sql);
  q.params = params.take();
  q.logsource = &ls;
  return q;
}

}  // namespace pm::rules
