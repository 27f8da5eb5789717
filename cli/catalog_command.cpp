// `pushmortem catalog errors|hresults|versions|ports [--format table|csv|json]`
// lists one of the DPM catalogs (parsers/catalog/catalog.h; the data files in
// parsers/data/ name their sources), and `pushmortem catalog lookup VALUE
// [--format text|json]` explains one value:
//
//   0x800706BA, 800706BA, -2147023174   an HRESULT (symbol, message, decimal,
//                                        the Win32 error behind 0x8007xxxx)
//   319, 1722                            a DPM error id and/or a Win32 error
//                                        number (its HRESULT_FROM_WIN32), and a
//                                        port when one is listed
//   10.19.58.0                           a DPM build: its release
//   any other text                       a system message: its HRESULT
//
// Every interpretation that matches is shown (319 is a DPM error id, 1722 a
// Win32 error; one number can be both). Exit 0 when something matched, 1 when
// nothing did (the reason on stderr). Columns of csv/json listings:
//   errors   id, kind, message, typical_cause
//   hresults hresult, win32 (decimal, empty unless 0x8007xxxx), symbol, message, also_seen_as (" | ")
//   versions release, version, build, server_agent_coordinator_path, note
//   ports    port, protocol, service, note
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/read_common.h"
#include "cli/style.h"
#include "parsers/catalog/catalog.h"
#include "parsers/core/net_util.h"

namespace pm::cli {
namespace {

namespace cat = pm::catalog;

struct Listing {
  std::vector<std::string> headers;        // table headers
  std::vector<std::string> columns;        // csv/json names
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;               // json: emit as number
};

std::string join_seen(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " | ") + s;
  return out;
}

std::string win32_text(uint32_t code) {
  auto w = cat::win32_error(code);
  return w ? std::to_string(*w) : std::string();
}

Listing listing(const std::string& which) {
  Listing l;
  if (which == "errors") {
    l.headers = {"id", "kind", "message", "typical cause"};
    l.columns = {"id", "kind", "message", "typical_cause"};
    l.numeric = {true, false, false, false};
    for (const auto& e : cat::dpm_errors()) l.rows.push_back({std::to_string(e.id), e.kind, e.message, e.cause});
  } else if (which == "hresults") {
    l.headers = {"hresult", "win32", "symbol", "message"};
    l.columns = {"hresult", "win32", "symbol", "message", "also_seen_as"};
    l.numeric = {false, true, false, false, false};
    for (const auto& h : cat::hresults())
      l.rows.push_back({h.hex, win32_text(h.code), h.symbol, h.message, join_seen(h.also_seen_as)});
  } else if (which == "versions") {
    l.headers = {"release", "version", "build", "server agent coordinator path", "note"};
    l.columns = {"release", "version", "build", "server_agent_coordinator_path", "note"};
    l.numeric = {false, false, false, false, false};
    for (const auto& r : cat::releases()) l.rows.push_back({r.release, r.version, r.build, r.server_ac_path, r.note});
  } else {
    l.headers = {"port", "protocol", "service", "note"};
    l.columns = {"port", "protocol", "service", "note"};
    l.numeric = {false, false, false, false};
    for (const auto& p : cat::ports()) l.rows.push_back({p.port, p.protocol, p.service, p.note});
  }
  return l;
}

int run_list(const std::string& which, const std::string& format, ColorMode color) {
  Listing l = listing(which);
  std::ostream& out = std::cout;
  if (format == "table") {
    TableWriter::Options opt;
    opt.max_cell_width = 70;
    std::vector<bool> right(l.headers.size(), false);
    right[0] = l.numeric[0];
    TableWriter table(out, l.headers, right, stdout_table_options(stdout_color(color), opt));
    for (auto row : l.rows) {
      row.resize(l.headers.size());
      table.add_row(row);
    }
    table.finish();
    out << l.rows.size() << " entries; sources: the header lines of parsers/data/" <<
        (which == "errors" ? "dpm_errors" : which == "versions" ? "dpm_versions" : which == "ports" ? "dpm_ports" : "hresults")
        << ".tsv\n";
  } else if (format == "csv") {
    std::string buf;
    append_csv_row(buf, l.columns);
    for (const auto& row : l.rows) append_csv_row(buf, row);
    out << buf;
  } else {
    std::string buf = "[";
    for (size_t i = 0; i < l.rows.size(); ++i) {
      buf += i == 0 ? "\n" : ",\n";
      JsonObject o(buf);
      for (size_t c = 0; c < l.columns.size(); ++c) {
        auto n = l.numeric[c] ? parse_int(l.rows[i][c]) : std::nullopt;
        if (n) o.number(l.columns[c], *n);
        else if (l.numeric[c]) o.text_or_null(l.columns[c], std::nullopt);
        else o.text(l.columns[c], l.rows[i][c]);
      }
      o.close();
    }
    buf += l.rows.empty() ? "]\n" : "\n]\n";
    out << buf;
  }
  out.flush();
  return out ? kExitOk : kExitFailure;
}

// One interpretation of a looked-up value: a title and labelled lines.
struct Match {
  std::string kind;  // hresult, dpm-error, win32, release, port
  std::string title;
  std::vector<std::pair<std::string, std::string>> fields;
};

void add_hresult(std::vector<Match>& out, uint32_t code, const cat::HresultEntry* e, const std::string& how) {
  Match m{"hresult", "HRESULT " + cat::format_hresult(code), {}};
  if (e) m.title += " " + e->symbol;
  m.fields.emplace_back("hresult", cat::format_hresult(code));
  if (e) {
    m.fields.emplace_back("symbol", e->symbol);
    m.fields.emplace_back("message", e->message);
    for (const auto& alt : e->also_seen_as) m.fields.emplace_back("also seen as", alt);
  } else {
    m.fields.emplace_back("message", "(not in the catalog)");
  }
  m.fields.emplace_back("decimal", std::to_string(static_cast<int32_t>(code)));
  if (auto w = cat::win32_error(code)) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%X", *w);
    m.fields.emplace_back("win32", std::to_string(*w) + " (" + hex + "), facility Win32 (7)");
  }
  if (!how.empty()) m.fields.emplace_back("matched by", how);
  out.push_back(std::move(m));
}

std::vector<Match> lookup(const std::string& value) {
  std::vector<Match> out;
  if (auto h = cat::parse_hresult(value)) {
    add_hresult(out, *h, cat::find_hresult(*h), "");
    return out;
  }
  if (auto n = parse_int(value); n && *n >= 0) {
    if (const auto* e = cat::find_dpm_error(*n)) {
      out.push_back({"dpm-error", "DPM error " + std::to_string(e->id),
                     {{"id", std::to_string(e->id)}, {"kind", e->kind}, {"message", e->message},
                      {"typical cause", e->cause}}});
    }
    if (*n > 0 && *n <= 0xFFFF) {
      uint32_t h = cat::hresult_from_win32(static_cast<uint32_t>(*n));
      if (const auto* e = cat::find_hresult(h)) add_hresult(out, h, e, "Win32 error " + value + " (HRESULT_FROM_WIN32)");
    }
    for (const auto& p : cat::ports())
      if (p.port == value) out.push_back({"port", "port " + p.port + "/" + p.protocol, {{"service", p.service}, {"note", p.note}}});
    return out;
  }
  if (auto r = cat::release_for_version(value)) {
    out.push_back({"release", "DPM " + r->release->release + " (" + value + ")",
                   {{"release", r->release->release}, {"rtm version", r->release->version}, {"basis", r->basis},
                    {"server agent coordinator path", r->release->server_ac_path}}});
    return out;
  }
  const cat::HresultEntry* e = cat::hresult_for_message(value);
  std::string how = "message text";
  if (!e) {
    e = cat::hresult_in_text(value);
    how = "a message inside the text";
  }
  if (e) add_hresult(out, e->code, e, how);
  return out;
}

int run_lookup(const std::string& value, const std::string& format, ColorMode color) {
  std::vector<Match> matches = lookup(value);
  std::ostream& out = std::cout;
  if (format == "json") {
    std::string buf;
    JsonObject o(buf);
    o.text("query", value);
    std::string arr = "[";
    for (size_t i = 0; i < matches.size(); ++i) {
      if (i) arr += ",";
      JsonObject m(arr);
      m.text("kind", matches[i].kind).text("title", matches[i].title);
      for (const auto& [k, v] : matches[i].fields) m.text(k, v);
      m.close();
    }
    arr += "]";
    o.raw("matches", arr);
    o.close();
    out << buf << "\n";
  } else {
    const Style style(stdout_color(color));
    for (const auto& m : matches) {
      out << style.bold(one_line(m.title)) << "\n";
      for (const auto& [k, v] : m.fields) out << "  " << k << ": " << one_line(v) << "\n";
    }
  }
  out.flush();
  if (matches.empty()) {
    report_error(std::cerr, "catalog lookup",
                 "nothing in the catalogs matches '" + one_line(value) +
                     "' (try an HRESULT such as 0x800706BA, a DPM error id such as 319, a Win32 error number, "
                     "a DPM version or a system message)");
    return kExitFailure;
  }
  return out ? kExitOk : kExitFailure;
}

}  // namespace

void add_catalog_command(CLI::App& app, CommandState& state) {
  CLI::App* cmd = app.add_subcommand("catalog", "List the DPM catalogs (error ids, HRESULTs, versions, ports) or explain one value");
  cmd->require_subcommand(1);
  cmd->footer("Examples:\n  pushmortem catalog lookup 0x800706BA\n  pushmortem catalog lookup 319\n"
              "  pushmortem catalog hresults --format csv > hresults.csv\n"
              "Exit codes: 0 found or listed; 1 lookup found nothing; 2 usage.");
  const std::pair<const char*, const char*> lists[] = {
      {"errors", "DPM agent-operation error ids: meaning and typical cause"},
      {"hresults", "HRESULTs seen with pushes: symbol, message, Win32 error"},
      {"versions", "DPM releases, build numbers and agent coordinator paths"},
      {"ports", "Network ports a push uses"}};
  for (const auto& [name, help] : lists) {
    auto format = std::make_shared<std::string>("table");
    auto color = std::make_shared<ColorMode>(ColorMode::auto_detect);
    CLI::App* sub = cmd->add_subcommand(name, help);
    add_format_option(sub, *format, {"table", "csv", "json"}, "Output format: table, csv or json");
    add_color_option(sub, *color);
    sub->footer(std::string("Example: pushmortem catalog ") + name +
                " --format json\nThe table cuts wide cells (…) and fits a terminal's width; csv and json keep them "
                "whole.\nExit codes: 0 listed; 1 writing the output failed; 2 usage.");
    std::string which = name;
    sub->callback([which, format, color, &state] { state.exit_code = run_list(which, *format, *color); });
  }
  auto value = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  auto color = std::make_shared<ColorMode>(ColorMode::auto_detect);
  CLI::App* look = cmd->add_subcommand("lookup", "Explain one value: HRESULT, DPM error id, Win32 error, version or message");
  look->add_option("VALUE", *value, "0x800706BA, 800706BA, -2147023174, 319, 1722, 10.19.58.0 or a message text")
      ->required();
  add_format_option(look, *format, {"text", "json"}, "Output format: text or json");
  add_color_option(look, *color);
  look->footer("Examples:\n  pushmortem catalog lookup 0x800706BA\n  pushmortem catalog lookup -2147023174\n"
               "  pushmortem catalog lookup \"The RPC server is unavailable\"\n"
               "Exit codes: 0 something matched; 1 nothing matched (the reason on stderr); 2 usage.");
  look->callback([value, format, color, &state] { state.exit_code = run_lookup(*value, *format, *color); });
}

}  // namespace pm::cli
