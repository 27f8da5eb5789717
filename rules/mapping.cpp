// Loads the field mapping (rules/data/mapping.yml, format described there)
// with yaml-cpp and resolves Sigma logsources and field names against it.
#include "rules/mapping.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string_view>

#include "parsers/core/strings.h"
#include "rules/embedded.h"

namespace pm::rules {

bool is_sql_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

namespace {

bool iequals(std::string_view a, std::string_view b) { return ascii_lower(a) == ascii_lower(b); }

class Loader {
 public:
  explicit Loader(const std::string& origin) : origin_(origin) {}

  Status fail(const YAML::Node& at, const std::string& what) const {
    int line = at.Mark().is_null() ? 0 : at.Mark().line + 1;
    return Status::error(ErrorKind::bad_input, SourceLoc{origin_, line}.str() + ": " + what);
  }

  Result<std::string> scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return fail(n, what + " must be a single value");
    return n.Scalar();
  }

  Result<std::vector<std::string>> scalar_list(const YAML::Node& n, const std::string& what) const {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      return out;
    }
    if (!n.IsSequence()) return fail(n, what + " must be a list of values");
    for (const auto& item : n) {
      auto s = scalar(item, what + " entries");
      if (!s) return s.status();
      out.push_back(s.value());
    }
    return out;
  }

  // A field's column: NAME, events.NAME (event tables) or event_data.NAME (event tables).
  Status check_column(const YAML::Node& at, const TableDef& t, const std::string& column, bool keyword) const {
    if (keyword && column == "event_data") {
      if (!t.event_keyed) return fail(at, "keyword source 'event_data' needs an event table");
      return Status::ok();
    }
    bool events_col = column.rfind("events.", 0) == 0, data_item = column.rfind("event_data.", 0) == 0;
    if (events_col || data_item) {
      if (!t.event_keyed) return fail(at, "'" + column + "' needs an event table (kind: event)");
      std::string rest = column.substr(column.find('.') + 1);
      if (events_col ? !is_sql_identifier(rest) : rest.empty())
        return fail(at, "'" + column + "' does not name a column or EventData item");
      return Status::ok();
    }
    if (!is_sql_identifier(column)) return fail(at, "'" + column + "' is not a column name");
    return Status::ok();
  }

  Status load_field(const std::string& name, const YAML::Node& n, TableDef& t) const {
    FieldDef def;
    if (n.IsScalar()) {
      def.column = n.Scalar();
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        std::string key = kv.first.Scalar();
        auto v = scalar(kv.second, "field " + name + " " + key);
        if (!v) return v.status();
        if (key == "column") {
          def.column = v.value();
        } else if (key == "type") {
          if (v.value() == "text") def.type = FieldType::text;
          else if (v.value() == "integer") def.type = FieldType::integer;
          else if (v.value() == "ip") def.type = FieldType::ip;
          else return fail(kv.second, "field " + name + ": type must be text, integer or ip");
        } else {
          return fail(kv.first, "field " + name + ": unknown key '" + key + "' (column, type)");
        }
      }
    } else {
      return fail(n, "field " + name + " must be a column name or {column, type}");
    }
    if (Status st = check_column(n, t, def.column, false); !st) return st;
    for (const auto& [known, unused] : t.fields)
      if (iequals(known, name)) return fail(n, "field " + name + " is defined twice in table " + t.name);
    t.fields[name] = def;
    return Status::ok();
  }

  Status load_columns(const YAML::Node& n, TableDef& t) const {
    if (!n.IsMap()) return fail(n, "columns of " + t.name + " must be a map");
    for (const auto& kv : n) {
      std::string key = kv.first.Scalar();
      auto v = scalar(kv.second, "column " + key);
      if (!v) return v.status();
      std::string* slot = key == "time"       ? &t.time_col
                          : key == "host"     ? &t.host_col
                          : key == "source"   ? &t.source_col
                          : key == "location" ? &t.location_col
                          : key == "message"  ? &t.message_expr
                          : key == "event_id" ? &t.event_id_col
                          : key == "order"    ? &t.order_col
                                              : nullptr;
      if (!slot)
        return fail(kv.first, "unknown column role '" + key +
                                  "' (time, host, source, location, message, event_id, order)");
      *slot = v.value();
    }
    return Status::ok();
  }

  Result<TableDef> load_table(const std::string& name, const YAML::Node& n) const {
    if (!is_sql_identifier(name)) return fail(n, "table name '" + name + "' is not an SQL identifier");
    if (!n.IsMap()) return fail(n, "table " + name + " must be a map");
    TableDef t;
    t.name = name;
    if (n["kind"]) {
      auto kind = scalar(n["kind"], "kind");
      if (!kind) return kind.status();
      if (kind.value() != "event" && kind.value() != "standalone")
        return fail(n["kind"], "table " + name + ": kind must be event or standalone");
      t.event_keyed = kind.value() == "event";
    }
    for (const auto& kv : n) {
      std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "kind") continue;
      if (key == "columns") {
        if (t.event_keyed) return fail(kv.first, "table " + name + ": columns are for standalone tables");
        if (Status st = load_columns(v, t); !st) return st;
      } else if (key == "fields") {
        if (!v.IsMap()) return fail(v, "fields of " + name + " must be a map");
        for (const auto& f : v)
          if (Status st = load_field(f.first.Scalar(), f.second, t); !st) return st;
      } else if (key == "other_fields") {
        auto s = scalar(v, "other_fields");
        if (!s) return s.status();
        if (s.value() != "event_data") return fail(v, "other_fields must be event_data");
        if (!t.event_keyed) return fail(v, "other_fields: event_data needs an event table");
        t.other_fields_event_data = true;
      } else if (key == "keywords") {
        auto list = scalar_list(v, "keywords");
        if (!list) return list.status();
        for (const std::string& c : list.value())
          if (Status st = check_column(v, t, c, true); !st) return st;
        t.keyword_columns = list.value();
      } else {
        return fail(kv.first, "table " + name + ": unknown key '" + key +
                                  "' (kind, columns, fields, other_fields, keywords)");
      }
    }
    return t;
  }

  Result<LogsourceDef> load_logsource(const std::string& key, const YAML::Node& n,
                                      const std::map<std::string, TableDef>& tables) const {
    if (!n.IsMap()) return fail(n, "logsource " + key + " must be a map");
    LogsourceDef ls;
    ls.key = key;
    for (const auto& kv : n) {
      std::string k = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (k == "formats") {
        auto list = scalar_list(v, "formats");
        if (!list) return list.status();
        ls.formats = list.value();
        continue;
      }
      if (k == "where") {
        if (!v.IsMap()) return fail(v, "where of " + key + " must be a map of column: value");
        for (const auto& w : v) {
          auto val = scalar(w.second, "where " + w.first.Scalar());
          if (!val) return val.status();
          if (!is_sql_identifier(w.first.Scalar())) return fail(w.first, "'" + w.first.Scalar() + "' is not a column name");
          ls.where[w.first.Scalar()] = val.value();
        }
        continue;
      }
      auto s = scalar(v, k);
      if (!s) return s.status();
      if (k == "product") ls.product = s.value();
      else if (k == "service") ls.service = s.value();
      else if (k == "category") ls.category = s.value();
      else if (k == "table") ls.table = s.value();
      else if (k == "description") ls.description = s.value();
      else
        return fail(kv.first, "logsource " + key + ": unknown key '" + k +
                                  "' (product, service, category, table, formats, where, description)");
    }
    if (ls.table.empty()) return fail(n, "logsource " + key + " names no table");
    if (!tables.count(ls.table)) return fail(n, "logsource " + key + ": no table '" + ls.table + "' in tables");
    if (ls.product.empty() && ls.service.empty() && ls.category.empty())
      return fail(n, "logsource " + key + " needs a product, service or category");
    return ls;
  }

 private:
  const std::string& origin_;
};

std::string describe(const Logsource& ls) {
  std::string out;
  auto add = [&](const char* name, const std::string& v) {
    if (!v.empty()) out += (out.empty() ? "" : ", ") + std::string(name) + ": " + v;
  };
  add("product", ls.product);
  add("service", ls.service);
  add("category", ls.category);
  return out.empty() ? "(empty)" : out;
}

bool dimension_matches(const std::string& def, const std::string& rule) { return def.empty() || iequals(def, rule); }

}  // namespace

Result<Mapping> Mapping::load(std::string_view yaml_text, const std::string& origin) {
  Loader l(origin);
  Mapping m;
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root.IsMap()) return l.fail(root, "a mapping must be a map with tables and logsources");
    for (const auto& kv : root) {
      std::string key = kv.first.Scalar();
      if (key != "tables" && key != "logsources")
        return l.fail(kv.first, "unknown key '" + key + "' (tables, logsources)");
    }
    const YAML::Node tables = root["tables"], logsources = root["logsources"];
    if (!tables || !tables.IsMap()) return l.fail(root, "'tables' must be a map of table name -> definition");
    if (!logsources || !logsources.IsMap()) return l.fail(root, "'logsources' must be a map of key -> definition");
    for (const auto& kv : tables) {
      auto t = l.load_table(kv.first.Scalar(), kv.second);
      if (!t) return t.status();
      if (m.tables_.count(t->name)) return l.fail(kv.first, "table " + t->name + " is defined twice");
      m.tables_[t->name] = std::move(t.value());
    }
    for (const auto& kv : logsources) {
      auto ls = l.load_logsource(kv.first.Scalar(), kv.second, m.tables_);
      if (!ls) return ls.status();
      for (const LogsourceDef& other : m.logsources_)
        if (other.key == ls->key) return l.fail(kv.first, "logsource " + ls->key + " is defined twice");
      m.logsources_.push_back(std::move(ls.value()));
    }
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return Status::error(ErrorKind::bad_input, SourceLoc{origin, line}.str() + ": " + e.msg);
  }
  return m;
}

const Mapping& Mapping::builtin() {
  static const Mapping mapping = [] {
    auto m = load(data::embedded_file("mapping.yml"), "builtin:mapping.yml");
    // The embedded file is part of the build and covered by tests; a broken one is a bug.
    if (!m) throw std::logic_error("built-in mapping does not load: " + m.status().message());
    return std::move(m.value());
  }();
  return mapping;
}

Result<const LogsourceDef*> Mapping::resolve(const Logsource& ls) const {
  for (const LogsourceDef& def : logsources_) {
    if (!dimension_matches(def.product, ls.product) || !dimension_matches(def.service, ls.service) ||
        !dimension_matches(def.category, ls.category))
      continue;
    if (!ls.category.empty() && def.category.empty()) continue;  // a category asks for a kind of event
    return &def;
  }
  std::string available;
  for (const LogsourceDef& def : logsources_) {
    std::string one = def.product;
    for (const std::string* part : {&def.service, &def.category})
      if (!part->empty()) one += (one.empty() ? "" : "/") + *part;
    available += (available.empty() ? "" : ", ") + one;
  }
  std::string where = ls.loc.file.empty() ? "" : " (" + ls.loc.str() + ")";
  return Status::error(ErrorKind::unsupported, "logsource " + describe(ls) + where +
                                                   " is not supported; available (product/service): " + available);
}

const TableDef* Mapping::table(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

std::optional<FieldDef> Mapping::field(const TableDef& table, const std::string& sigma_field) const {
  for (const auto& [name, def] : table.fields)
    if (iequals(name, sigma_field)) return def;
  if (table.other_fields_event_data && !sigma_field.empty()) return FieldDef{"event_data." + sigma_field, FieldType::text};
  return std::nullopt;
}

}  // namespace pm::rules
