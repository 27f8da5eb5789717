// Embedded samples for lint: see rules/lint_samples.h.
#include "rules/lint_samples.h"

#include <cctype>
#include <charconv>
#include <map>
#include <string>
#include <utility>

#include "parsers/core/strings.h"
#include "rules/compiler.h"
#include "rules/derived_tables.h"
#include "rules/matcher.h"

namespace pm::rules {
namespace {

constexpr int64_t kSampleTimeUs = 1704067200000000;  // 2024-01-01T00:00:00Z

struct ColumnInfo {
  bool integer = false;
  bool required = false;  // NOT NULL without a default (and not the rowid)
};
using Columns = std::map<std::string, ColumnInfo>;  // lower-case name -> info
using Values = std::map<std::string, Value>;        // lower-case column -> value

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// "t.col" or "col" -> "col"; anything that is not a plain column -> "".
std::string plain_column(std::string c) {
  if (c.rfind("t.", 0) == 0) c.erase(0, 2);
  if (c.empty() || std::isdigit(static_cast<unsigned char>(c[0]))) return {};
  for (char ch : c)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return {};
  return ascii_lower(c);
}

Result<Columns> table_columns(db::Database& db, const std::string& table) {
  auto st = db.prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)");
  if (!st) return st.status();
  st->bind(1, table);
  Columns out;
  for (;;) {
    auto more = st->step();
    if (!more) return more.status();
    if (!more.value()) break;
    ColumnInfo info;
    info.integer = ascii_lower(st->column_text(1)).find("int") != std::string::npos;
    info.required = st->column_int(2) != 0 && st->is_null(3) && st->column_int(4) == 0;
    out[ascii_lower(st->column_text(0))] = info;
  }
  if (out.empty()) return Status::error(ErrorKind::bad_input, "the case has no table " + table);
  return out;
}

Status insert_row(db::Database& db, const std::string& table, Values values) {
  auto cols = table_columns(db, table);
  if (!cols) return cols.status();
  for (const auto& [name, v] : values)
    if (!cols->count(name))
      return Status::error(ErrorKind::bad_input, "the mapping names column '" + name + "', which table " + table +
                                                     " does not have");
  for (const auto& [name, info] : cols.value())
    if (info.required && !values.count(name)) values[name] = info.integer ? Value(int64_t{0}) : Value(std::string());
  std::string sql = "INSERT INTO " + quote_ident(table) + "(";
  std::string marks;
  int i = 0;
  for (const auto& [name, v] : values) {
    sql += (i ? "," : "") + quote_ident(name);
    marks += (i ? ",?" : "?") + std::to_string(i + 1);
    ++i;
  }
  auto st = db.prepare(sql + ") VALUES(" + marks + ")");
  if (!st) return st.status();
  i = 0;
  for (const auto& [name, v] : values) st->bind(++i, v);
  return st->run();
}

Value typed(const std::string& text, FieldType type) {
  if (type == FieldType::integer) {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && p == text.data() + text.size()) return n;
  }
  return text;
}

const FieldDef* find_field(const TableDef& t, const std::string& name) {
  const std::string lower = ascii_lower(name);
  for (const auto& [key, def] : t.fields)
    if (ascii_lower(key) == lower) return &def;
  return nullptr;
}

std::string describe(const Sample& s) {
  std::string out;
  for (const auto& [k, v] : s.fields) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out.size() > 160 ? out.substr(0, 157) + "..." : out;
}

}  // namespace

Result<SampleCase> SampleCase::create() {
  auto c = db::CaseDb::open_for_write(":memory:");
  if (!c) return c.status();
  SampleCase sc(std::move(c.value()));
  db::Database& db = sc.case_.db();
  if (Status s = build_derived_tables(db); !s) return s;
  if (Status s = db.exec("INSERT INTO hosts(name) VALUES('sample-host.example.test')"); !s) return s;
  sc.host_id_ = db.last_insert_rowid();
  auto st = db.prepare(
      "INSERT INTO sources(bundle, path, sha256, size, status, format, host_id, unit, ingested_at) "
      "VALUES('lint', 'sample', '', 0, 'ingested', 'sample', ?1, 'record', '2024-01-01T00:00:00Z')");
  if (!st) return st.status();
  st->bind(1, sc.host_id_);
  if (Status s = st->run(); !s) return s;
  sc.source_id_ = db.last_insert_rowid();
  return sc;
}

void SampleCase::check(const Rule& rule, const Mapping& mapping, std::vector<Diagnostic>& out) {
  auto ls = mapping.resolve(rule.logsource);
  if (!ls) return;  // reported by the compile check
  const LogsourceDef& def = *ls.value();
  const TableDef* table = mapping.table(def.table);
  auto query = compile_detection(*rule.detection, rule.logsource, mapping, {});
  if (table == nullptr || !query) return;
  db::Database& db = case_.db();

  auto run_one = [&](const Sample& sample, bool hit, size_t index) {
    const std::string name = std::string(hit ? "hit" : "miss") + " sample " + std::to_string(index);
    const SourceLoc at = sample.loc.line > 0 ? sample.loc : rule.loc;
    Values events, detail;
    std::vector<std::pair<std::string, std::string>> event_data;
    Status s;
    for (const auto& [field, text] : sample.fields) {
      const FieldDef* f = find_field(*table, field);
      if (f != nullptr && f->column.rfind("event_data.", 0) == 0) {
        event_data.emplace_back(f->column.substr(11), text);
      } else if (f != nullptr) {
        const bool on_events = table->event_keyed && f->column.rfind("events.", 0) == 0;
        std::string col = plain_column(on_events ? f->column.substr(7) : f->column);
        if (col.empty()) {
          s = Status::error(ErrorKind::unsupported, "field '" + field + "' maps to the expression '" + f->column +
                                                        "', which a sample cannot fill");
          break;
        }
        (on_events ? events : detail)[col] = typed(text, f->type);
      } else if (table->other_fields_event_data) {
        event_data.emplace_back(field, text);
      } else {
        s = Status::error(ErrorKind::bad_input, "field '" + field + "' is not a field of logsource " + def.key);
        break;
      }
    }
    for (const auto& [col, text] : def.where) {
      const bool on_events = table->event_keyed && col.rfind("events.", 0) == 0;
      (on_events ? events : detail)[plain_column(on_events ? col.substr(7) : col)] = text;
    }
    std::vector<Match> matches;
    if (s && (s = db.exec("SAVEPOINT pm_lint_sample"))) {
      const std::string format = def.formats.empty() ? std::string("sample") : def.formats.front();
      if (table->event_keyed) {
        events.try_emplace("time_us", kSampleTimeUs);
        events.try_emplace("host_id", host_id_);
        events.try_emplace("source_id", source_id_);
        events.try_emplace("format", format);
        events.try_emplace("location", int64_t{1});
        s = insert_row(db, "events", events);
        const int64_t event_id = db.last_insert_rowid();
        detail["event_id"] = event_id;
        if (s) s = insert_row(db, table->name, detail);
        int64_t position = 0;
        for (const auto& [n, v] : event_data) {
          if (!s) break;
          s = insert_row(db, "win_event_data",
                         Values{{"event_id", event_id}, {"position", position++}, {"name", n}, {"value", v}});
        }
      } else {
        for (const auto& [col, v] : {std::pair<const std::string*, Value>{&table->time_col, kSampleTimeUs},
                                     {&table->host_col, host_id_},
                                     {&table->source_col, source_id_},
                                     {&table->location_col, int64_t{1}}})
          if (std::string c = plain_column(*col); !c.empty()) detail.try_emplace(c, v);
        s = insert_row(db, table->name, detail);
      }
      if (s) s = run_query(db, query.value(), &rule, matches);
      db.exec("ROLLBACK TO pm_lint_sample; RELEASE pm_lint_sample");
    }
    Diagnostic d;
    d.loc = at;
    if (!s) {
      d.message = "rule " + rule.id + ": " + name + " cannot be run: " + s.message();
    } else if (hit && matches.empty()) {
      d.message = "rule " + rule.id + ": " + name + " does not match (" + describe(sample) + ")";
    } else if (!hit && !matches.empty()) {
      d.message = "rule " + rule.id + ": " + name + " matches but should not (" + describe(sample) + ")";
    } else {
      return;
    }
    out.push_back(std::move(d));
  };
  for (size_t i = 0; i < rule.extension->hits.size(); ++i) run_one(rule.extension->hits[i], true, i + 1);
  for (size_t i = 0; i < rule.extension->misses.size(); ++i) run_one(rule.extension->misses[i], false, i + 1);
}

}  // namespace pm::rules
