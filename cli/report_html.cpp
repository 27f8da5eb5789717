#include "cli/report_html.h"

#include <fmt/format.h>

#include "cli/output.h"
#include "cli/report_timeline.h"
#include "parsers/core/time_util.h"

// The page's script and style sheet (cli/report_assets/), embedded at build
// time by pm_embed_files (cli/CMakeLists.txt).
namespace pm::cli::assets {
std::string_view embedded_file(std::string_view base_name);
}

namespace pm::cli {
namespace {

constexpr const char* kCsp =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

std::string when(const std::optional<int64_t>& us) { return us ? format_iso8601_us(*us) : std::string(); }

// A confidence bar: the filled part's width is the confidence.
std::string confidence_bar(double c) {
  int p = static_cast<int>(c * 100 + 0.5);
  const char* tone = p >= 75 ? "high" : p >= 50 ? "mid" : "low";
  return fmt::format(
      "<span class=\"pm-conf pm-conf-{}\" title=\"confidence {}%\"><span class=\"pm-conf-bar\"><span "
      "class=\"pm-conf-fill\" style=\"width:{}%\"></span></span><span class=\"pm-conf-num\">{}%</span></span>",
      tone, p, p, p);
}

std::string level_badge(const std::string& level) {
  return "<span class=\"pm-level pm-level-" + html_escape(level) + "\">" + html_escape(level) + "</span>";
}

// Paragraphs, one per non-empty line.
std::string paragraphs(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) out += "<p>" + html_escape(line) + "</p>\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string list_items(const std::vector<std::string>& items) {
  std::string out = "<ul class=\"pm-list\">\n";
  for (const auto& i : items) out += "<li>" + html_escape(i) + "</li>\n";
  return out + "</ul>\n";
}

void append_summary(std::string& out, const rules::ExplainResult& result) {
  out += "<section class=\"pm-summary\" id=\"summary\">\n<h2>Findings</h2>\n";
  if (result.findings.empty()) {
    out += "<p class=\"pm-none\">No findings: no rule matched this case. The sources the case holds are listed by "
           "<code>pushmortem sources</code>.</p>\n</section>\n";
    return;
  }
  out += "<table class=\"pm-table pm-summary-table\">\n<thead><tr><th>#</th><th>Host</th><th>Rule</th>"
         "<th>Confidence</th><th>Cause</th></tr></thead>\n<tbody>\n";
  int i = 0;
  for (const auto& f : result.findings) {
    ++i;
    out += fmt::format(
        "<tr><td class=\"pm-num-cell\"><a href=\"#finding-{0}\">{0}</a></td><td class=\"pm-host\">{1}</td>"
        "<td><code>{2}</code> {3}</td><td>{4}</td><td><a href=\"#finding-{0}\">{5}</a></td></tr>\n",
        i, html_escape(f.host), html_escape(f.rule_id), level_badge(f.level), confidence_bar(f.confidence),
        html_escape(f.summary.empty() ? f.title : f.summary));
  }
  out += "</tbody>\n</table>\n</section>\n";
}

void append_evidence(std::string& out, const rules::Finding& f) {
  out += "<h3>Evidence</h3>\n";
  if (f.evidence.empty()) {
    out += "<p class=\"pm-muted\">No evidence lines.</p>\n";
    return;
  }
  out += "<table class=\"pm-table pm-evidence\">\n<thead><tr><th>Time (UTC)</th><th>Role</th><th>Host</th>"
         "<th>Source</th><th>Message</th></tr></thead>\n<tbody>\n";
  for (const auto& l : f.evidence) {
    std::string where = l.source_file + (l.location ? ":" + std::to_string(*l.location) : std::string());
    out += fmt::format(
        "<tr class=\"pm-role-{0}\"><td class=\"pm-time\">{1}</td><td><span class=\"pm-role\">{0}</span></td>"
        "<td class=\"pm-host\">{2}</td><td class=\"pm-where\"><code>{3}</code></td><td class=\"pm-msg\">{4}</td></tr>\n",
        html_escape(l.role), l.time_us ? format_iso8601_us(*l.time_us) : std::string("untimed"),
        html_escape(l.host.empty() ? "-" : l.host), html_escape(where), html_escape(l.message));
  }
  out += "</tbody>\n</table>\n";
}

void append_checks(std::string& out, const rules::Finding& f) {
  if (f.verdicts.empty()) return;
  out += "<h3>Checks</h3>\n<table class=\"pm-table pm-checks\">\n<thead><tr><th>State</th><th>Role</th>"
         "<th>Check</th><th class=\"pm-num-cell\">Weight</th><th>What it says</th></tr></thead>\n<tbody>\n";
  for (const auto& v : f.verdicts) {
    const char* sign = v.weight > 0 ? "pos" : v.weight < 0 ? "neg" : "zero";
    out += fmt::format(
        "<tr><td><span class=\"pm-state pm-state-{0}\">{0}</span></td><td>{1}</td><td><strong>{2}</strong>"
        "<div class=\"pm-muted\"><code>{3}</code>{4}</div></td><td class=\"pm-num-cell pm-weight-{5}\">{6:+.2f}</td>"
        "<td>{7}</td></tr>\n",
        html_escape(v.state), html_escape(v.role), html_escape(v.title.empty() ? v.id : v.title), html_escape(v.id),
        v.count > 0 ? fmt::format(" &middot; {} row{}", v.count, v.count == 1 ? "" : "s") : std::string(), sign,
        v.weight, html_escape(v.text));
  }
  out += "</tbody>\n</table>\n";
}

void append_finding(std::string& out, const rules::Finding& f, int index) {
  out += fmt::format("<section class=\"pm-finding\" id=\"finding-{0}\">\n<header class=\"pm-finding-head\">"
                     "<span class=\"pm-index\">{0}</span><h2>{1}</h2></header>\n",
                     index, html_escape(f.title));
  std::string span = f.first_us || f.last_us ? html_escape(when(f.first_us)) + " &ndash; " + html_escape(when(f.last_us))
                                             : std::string("times unknown (untimed evidence)");
  out += fmt::format(
      "<dl class=\"pm-facts\"><div><dt>Host</dt><dd class=\"pm-host\">{}</dd></div><div><dt>Confidence</dt><dd>{}</dd>"
      "</div><div><dt>Rule</dt><dd><code>{}</code> {}</dd></div><div><dt>When (UTC)</dt><dd>{}</dd></div></dl>\n",
      html_escape(f.host), confidence_bar(f.confidence), html_escape(f.rule_id), level_badge(f.level), span);
  if (!f.summary.empty()) out += "<p class=\"pm-cause\">" + html_escape(f.summary) + "</p>\n";
  out += "<h3>What happened</h3>\n<div class=\"pm-narrative\">\n" + paragraphs(f.explanation) + "</div>\n";
  out += fmt::format(
      "<h3>Timeline</h3>\n<div class=\"pm-timeline\" data-finding=\"{}\"><noscript><p class=\"pm-muted\">The "
      "interactive timeline needs JavaScript; the evidence table below lists the same lines.</p></noscript></div>\n",
      index - 1);
  append_evidence(out, f);
  append_checks(out, f);
  if (!f.missing_sources.empty())
    out += "<h3>Missing sources</h3>\n<p class=\"pm-muted\">Collecting these would decide what is still open.</p>\n" +
           list_items(f.missing_sources);
  if (!f.remediation.empty())
    out += fmt::format(
        "<h3>Fix</h3>\n<div class=\"pm-fix\"><button type=\"button\" class=\"pm-copy\" data-copy=\"fix-{0}\">Copy"
        "</button><pre id=\"fix-{0}\">{1}</pre></div>\n",
        index, html_escape(f.remediation));
  if (!f.notes.empty()) out += "<h3>Notes</h3>\n" + list_items(f.notes);
  out += "<p class=\"pm-top\"><a href=\"#summary\">Back to the summary</a></p>\n</section>\n";
}

// Appends one UTF-8 sequence starting at s[i] (valid: its bytes; invalid:
// U+FFFD) and returns its length.
size_t append_utf8_char(std::string& out, std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  bool ok = len > 0 && i + len <= s.size();
  for (size_t k = 1; ok && k < len; ++k) ok = (byte(i + k) & 0xC0) == 0x80;
  if (ok && len == 3) ok = !(c == 0xE0 && byte(i + 1) < 0xA0) && !(c == 0xED && byte(i + 1) >= 0xA0);
  if (ok && len == 4) ok = !(c == 0xF0 && byte(i + 1) < 0x90) && !(c == 0xF4 && byte(i + 1) >= 0x90);
  if (!ok) {
    out += "\xEF\xBF\xBD";
    return 1;
  }
  out.append(s.substr(i, len));
  return len;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      i += append_utf8_char(out, text, i);
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\r': break;
      case '\n':
      case '\t': out += static_cast<char>(c); break;
      default:
        if (c < 0x20 || c == 0x7F) out += "\xEF\xBF\xBD";
        else out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

std::string script_safe_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

Result<std::string> build_report_html(db::Database& db, const rules::ExplainResult& result, const ReportInfo& info) {
  std::string data = "{\"generator\":\"pushmortem\",\"case\":" + json_string(info.case_name) +
                     ",\"generated\":" + json_string(info.generated_at) + ",\"findings\":[";
  int index = 0;
  for (const auto& f : result.findings) {
    auto timeline = read_finding_timeline(db, f);
    if (!timeline) return timeline.status();
    data += index ? ",\n" : "\n";
    data += fmt::format("{{\"index\":{},\"title\":{},\"host\":{},\"rule\":{},\"confidence\":{:.2f},\"timeline\":{}}}",
                        ++index, json_string(f.title), json_string(f.host), json_string(f.rule_id), f.confidence,
                        timeline_json(*timeline));
  }
  data += "]}";

  size_t n = result.findings.size();
  std::string out;
  out.reserve(data.size() + 64 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += std::string("<meta http-equiv=\"Content-Security-Policy\" content=\"") + kCsp + "\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\n<link rel=\"icon\" href=\"data:,\">\n";
  out += "<title>pushmortem report: " + html_escape(info.case_name) + "</title>\n<style>\n";
  out += assets::embedded_file("report.css");
  out += "</style>\n</head>\n<body>\n<header class=\"pm-header\"><div class=\"pm-header-inner\">\n"
         "<div class=\"pm-brand\">pushmortem</div>\n<h1>DPM agent push failure report</h1>\n";
  out += fmt::format("<p class=\"pm-meta\">Case <code>{}</code> &middot; generated {} &middot; {} &middot; all times "
                     "UTC</p>\n</div></header>\n<main>\n",
                     html_escape(info.case_name), html_escape(info.generated_at),
                     n == 0 ? std::string("no findings") : fmt::format("{} finding{}", n, n == 1 ? "" : "s"));
  if (!result.notes.empty())
    out += "<aside class=\"pm-case-notes\"><h2>Case notes</h2>\n" + list_items(result.notes) + "</aside>\n";
  append_summary(out, result);
  index = 0;
  for (const auto& f : result.findings) append_finding(out, f, ++index);
  out += "</main>\n<footer class=\"pm-footer\">Generated by pushmortem from <code>" + html_escape(info.case_name) +
         "</code>. Evidence lines name their source file and line inside the collected bundle.</footer>\n";
  out += "<script type=\"application/json\" id=\"pm-data\">" + script_safe_json(data) + "</script>\n<script>\n";
  out += assets::embedded_file("report.js");
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace pm::cli
