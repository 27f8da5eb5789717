// `pushmortem query --case FILE "SQL" [--format table|csv|json]`: runs
// read-only SQL on a case. Every statement is prepared (and checked) before
// any runs; a statement that could change the file (INSERT, UPDATE, DELETE,
// CREATE, DROP, ATTACH, DETACH, VACUUM, a writing PRAGMA) is refused with exit code 2,
// as are SQL errors (SQLite's message). SQL "-" is read from standard input.
//
// Output, one result set per statement that returns columns:
//   table  aligned columns, a header and a dashed rule, NULL shown empty,
//          cells cut at 60 columns with "…", then "(N rows)"; result sets
//          separated by a blank line.
//   csv    RFC 4180 (CRLF, quoted when needed), a header row; result sets
//          separated by an empty line.
//   json   a JSON array of objects per result set (column name -> value;
//          integers and reals as numbers, NULL as null, text as strings;
//          a repeated column name gets a suffix: a, a_2), each array on its
//          own lines, so one statement gives one JSON document.
#include <iostream>
#include <iterator>
#include <memory>
#include <set>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/read_common.h"
#include "cli/style.h"
#include "db/reader.h"

namespace pm::cli {
namespace {

struct QueryArgs {
  std::string case_file;
  std::string sql;
  std::string format = "table";
  ColorMode color = ColorMode::auto_detect;
};

int step_error(const Status& s, size_t number, const std::string& text) {
  report_error(std::cerr, "query",
               "statement " + std::to_string(number) + " (`" + db::statement_excerpt(text) +
                   "`) failed: " + s.message());
  return s.kind() == ErrorKind::interrupted ? kExitInterrupted : kExitUsage;
}

std::vector<std::string> unique_names(const db::Statement& st) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (int i = 0; i < st.column_count(); ++i) {
    std::string base = st.column_name(i);
    std::string name = base;
    for (int k = 2; !seen.insert(name).second; ++k) name = base + "_" + std::to_string(k);
    names.push_back(std::move(name));
  }
  return names;
}

// Runs one statement and prints its rows; returns an exit code.
int print_result(db::QueryStatement& q, size_t number, const std::string& format, const TableWriter::Options& table_options,
                 bool first_result, std::ostream& out) {
  db::Statement& st = q.statement;
  const int n = st.column_count();
  if (n == 0) {
    Status s = st.run();
    return s ? kExitOk : step_error(s, number, q.text);
  }
  if (!first_result) out << (format == "csv" ? kCsvNewline : std::string_view("\n"));
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back(st.column_name(i));

  if (format == "table") {
    auto r = st.step();
    if (!r) return step_error(r.status(), number, q.text);
    // Right-align columns whose first value is a number.
    std::vector<bool> right(static_cast<size_t>(n), false);
    if (r.value())
      for (int i = 0; i < n; ++i) {
        auto t = st.column_type(i);
        right[static_cast<size_t>(i)] = t == db::ColumnType::integer || t == db::ColumnType::real;
      }
    TableWriter table(out, names, right, table_options);
    std::vector<std::string> cells(static_cast<size_t>(n));
    while (r.value()) {
      for (int i = 0; i < n; ++i) cells[static_cast<size_t>(i)] = value_text(db::column_value(st, i));
      table.add_row(cells);
      r = st.step();
      if (!r) {
        table.finish();
        return step_error(r.status(), number, q.text);
      }
    }
    table.finish();
    out << "(" << table.rows() << (table.rows() == 1 ? " row)\n" : " rows)\n");
    return kExitOk;
  }

  std::string buf;
  if (format == "csv") {
    append_csv_row(buf, names);
  } else {
    names = unique_names(st);
    buf += "[";
  }
  size_t rows = 0;
  std::vector<std::string> cells(static_cast<size_t>(n));
  for (;;) {
    auto r = st.step();
    if (!r) {
      out << buf;
      return step_error(r.status(), number, q.text);
    }
    if (!r.value()) break;
    if (format == "csv") {
      for (int i = 0; i < n; ++i) cells[static_cast<size_t>(i)] = value_text(db::column_value(st, i));
      append_csv_row(buf, cells);
    } else {
      buf += rows == 0 ? "\n" : ",\n";
      JsonObject o(buf);
      for (int i = 0; i < n; ++i) o.value(names[static_cast<size_t>(i)], db::column_value(st, i));
      o.close();
    }
    ++rows;
    if (buf.size() > 64 * 1024) {
      out << buf;
      buf.clear();
    }
  }
  if (format == "json") buf += rows == 0 ? "]\n" : "\n]\n";
  out << buf;
  return kExitOk;
}

int run_query(QueryArgs& args) {
  if (args.sql == "-") {
    args.sql.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  auto c = open_case_for_reading(args.case_file);
  if (!c) {
    report_error(std::cerr, "query", c.status().message());
    return exit_code_for(c.status());
  }
  auto statements = db::prepare_read_only_query(c->db(), args.sql);
  if (!statements) {
    report_error(std::cerr, "query", statements.status().message());
    return kExitUsage;
  }
  bool first_result = true;
  size_t number = 0;
  const TableWriter::Options table_options =
      args.format == "table" ? stdout_table_options(stdout_color(args.color)) : TableWriter::Options{};
  for (auto& q : statements.value()) {
    ++number;
    int rc = print_result(q, number, args.format, table_options, first_result, std::cout);
    if (q.statement.column_count() > 0) first_result = false;
    if (rc != kExitOk) return rc;
  }
  std::cout.flush();
  if (!std::cout) {
    report_error(std::cerr, "query", "writing the output failed");
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_query_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<QueryArgs>();
  CLI::App* cmd = app.add_subcommand("query", "Run read-only SQL on a case (tables and the `timeline` view)");
  cmd->add_option("--case", args->case_file, "Case database file")->required();
  cmd->add_option("sql", args->sql, "One or more read-only SQL statements; - reads them from standard input")
      ->required();
  add_format_option(cmd, args->format, {"table", "csv", "json"}, "Output format: table, csv or json");
  add_color_option(cmd, args->color);
  cmd->footer(
      "Example: pushmortem query --case case.db \"SELECT host, event_code, count(*) FROM timeline GROUP BY 1, 2\"\n"
      "On a terminal the table fits its width (COLUMNS overrides); csv and json keep every value whole.\n"
      "Exit codes: 0 done; 1 writing the output failed; 2 usage, or SQL that is refused or invalid; 3 the case "
      "unreadable; 4 case from a newer pushmortem; 130 interrupted.");
  cmd->callback([args, &state] { state.exit_code = run_query(*args); });
}

}  // namespace pm::cli
