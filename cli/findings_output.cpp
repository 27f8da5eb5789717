#include "cli/findings_output.h"

#include <fmt/format.h>

#include "cli/output.h"
#include "cli/style.h"
#include "parsers/core/time_util.h"

namespace pm::cli {
namespace {

constexpr size_t kWrap = 100;

std::string when(const std::optional<int64_t>& us) { return us ? format_iso8601_us(*us) : std::string(); }

std::string percent(double c) { return std::to_string(static_cast<int>(c * 100 + 0.5)) + "%"; }

// Word-wraps `text` (one paragraph per input line) with `indent` spaces.
std::string wrap(const std::string& text, size_t indent) {
  std::string out, pad(indent, ' ');
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string para = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string line;
    size_t pos = 0;
    while (pos < para.size()) {
      size_t sp = para.find(' ', pos);
      std::string word = one_line(para.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
      pos = sp == std::string::npos ? para.size() : sp + 1;
      if (word.empty()) continue;
      if (!line.empty() && display_width(line) + 1 + display_width(word) > kWrap - indent) {
        out += pad + line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
    }
    out += line.empty() ? "\n" : pad + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string location_text(const rules::EvidenceLine& l) {
  std::string s = l.source_file;
  if (l.location) s += ":" + std::to_string(*l.location);
  return s;
}

}  // namespace

std::string findings_text(const rules::ExplainResult& result, bool color) {
  const Style st(color);
  std::string out;
  if (result.findings.empty()) {
    out += "No findings: no rule matched this case.\n";
  } else {
    out += fmt::format("{} finding{}\n", result.findings.size(), result.findings.size() == 1 ? "" : "s");
  }
  for (const auto& n : result.notes) out += "note: " + one_line(n) + "\n";
  int i = 0;
  for (const auto& f : result.findings) {
    out += "\n" + st.bold(fmt::format("[{}] {}", ++i, one_line(f.title))) + "\n";
    out += fmt::format("    host {} | confidence {} | rule {} ({})\n", one_line(f.host), percent(f.confidence),
                       f.rule_id, st.paint(f.level, level_sgr(f.level)));
    if (f.first_us || f.last_us)
      out += fmt::format("    from {} to {}\n", when(f.first_us), when(f.last_us));
    else
      out += "    times unknown (untimed evidence)\n";
    out += "\n  " + st.bold("What happened") + "\n" + wrap(f.explanation, 4);
    out += "\n  " + st.bold("Evidence (UTC)") + "\n";
    for (const auto& l : f.evidence) {
      std::string t = l.time_us ? format_iso8601_us(*l.time_us) : std::string("(untimed)");
      out += fmt::format("    {:<27} {:<13} {} {}\n      {}\n", t, l.role, one_line(l.host.empty() ? "-" : l.host),
                         one_line(location_text(l)), fit_cell(l.message, kWrap - 6));
    }
    out += "\n  " + st.bold("Checks") + "\n";
    for (const auto& v : f.verdicts) {
      std::string sign = v.weight > 0 ? st.paint("+", sgr::green) : v.weight < 0 ? st.paint("-", sgr::red) : " ";
      std::string head = fmt::format("{} {:<13} {:<8} {}", sign, v.role, v.state, v.id);
      if (v.weight != 0) head += fmt::format(" ({:+.2f})", v.weight);
      out += "    " + head + "\n";
      if (!v.text.empty()) out += wrap(v.text, 6);
    }
    if (!f.missing_sources.empty()) {
      out += "\n  " + st.bold("Missing sources (they would decide what is still open)") + "\n";
      for (const auto& m : f.missing_sources) out += "    - " + one_line(m) + "\n";
    }
    if (!f.remediation.empty()) {
      out += "\n  " + st.bold("Fix") + "\n";
      size_t start = 0;
      while (start < f.remediation.size()) {
        size_t end = f.remediation.find('\n', start);
        std::string line = f.remediation.substr(start, end == std::string::npos ? std::string::npos : end - start);
        out += line.empty() ? "\n" : "    " + line + "\n";
        if (end == std::string::npos) break;
        start = end + 1;
      }
    }
    if (!f.notes.empty()) {
      out += "\n  " + st.bold("Notes") + "\n";
      for (const auto& n : f.notes) out += wrap("- " + n, 4);
    }
  }
  return out;
}

std::string findings_json(const rules::ExplainResult& result) {
  std::string out = "[";
  bool first = true;
  for (const auto& f : result.findings) {
    out += first ? "\n" : ",\n";
    first = false;
    JsonObject o(out);
    o.text("rule", f.rule_id).text("title", f.title).text("host", f.host);
    out += ",\"confidence\":" + fmt::format("{:.2f}", f.confidence);
    o.text("level", f.level).text("summary", f.summary);
    o.text_or_null("first_seen", f.first_us ? std::optional(format_iso8601_us(*f.first_us)) : std::nullopt);
    o.text_or_null("last_seen", f.last_us ? std::optional(format_iso8601_us(*f.last_us)) : std::nullopt);
    o.text("explanation", f.explanation).text("remediation", f.remediation);
    std::string ev = "[";
    for (size_t i = 0; i < f.evidence.size(); ++i) {
      const auto& l = f.evidence[i];
      if (i) ev += ",";
      JsonObject e(ev);
      e.text("role", l.role).text("check", l.evidence_id);
      e.text_or_null("datetime", l.time_us ? std::optional(format_iso8601_us(*l.time_us)) : std::nullopt);
      e.text_or_null("host", l.host.empty() ? std::nullopt : std::optional(l.host));
      e.text("source_file", l.source_file).number_or_null("location", l.location).text("message", l.message);
      e.close();
    }
    o.raw("evidence", ev + "]");
    std::string checks = "[";
    for (size_t i = 0; i < f.verdicts.size(); ++i) {
      const auto& v = f.verdicts[i];
      if (i) checks += ",";
      JsonObject c(checks);
      c.text("id", v.id).text("title", v.title).text("role", v.role).text("state", v.state).number("count", v.count);
      checks += ",\"weight\":" + fmt::format("{:.2f}", v.weight);
      c.text("text", v.text);
      c.close();
    }
    o.raw("checks", checks + "]");
    std::string missing = "[";
    for (size_t i = 0; i < f.missing_sources.size(); ++i) missing += (i ? "," : "") + json_string(f.missing_sources[i]);
    o.raw("missing_sources", missing + "]");
    std::string notes = "[";
    for (size_t i = 0; i < f.notes.size(); ++i) notes += (i ? "," : "") + json_string(f.notes[i]);
    o.raw("notes", notes + "]");
    o.close();
  }
  out += first ? "]\n" : "\n]\n";
  return out;
}

std::string findings_markdown(const rules::ExplainResult& result) {
  std::string out = "# pushmortem findings\n\n";
  if (result.findings.empty()) out += "No findings: no rule matched this case.\n";
  for (const auto& n : result.notes) out += "> note: " + one_line(n) + "\n";
  if (!result.findings.empty()) {
    out += "| # | host | rule | confidence | cause |\n|---|---|---|---|---|\n";
    int i = 0;
    for (const auto& f : result.findings)
      out += fmt::format("| {} | {} | {} | {} | {} |\n", ++i, one_line(f.host), f.rule_id, percent(f.confidence),
                         one_line(f.summary));
  }
  int i = 0;
  for (const auto& f : result.findings) {
    out += fmt::format("\n## {}. {}\n\n", ++i, one_line(f.title));
    out += fmt::format("*host* `{}` · *confidence* {} · *rule* `{}` · {} to {}\n\n", one_line(f.host),
                       percent(f.confidence), f.rule_id, f.first_us ? when(f.first_us) : "unknown",
                       f.last_us ? when(f.last_us) : "unknown");
    out += f.explanation + "\n\n### Evidence\n\n| time (UTC) | role | host | source | message |\n|---|---|---|---|---|\n";
    auto cell = [](const std::string& s) {
      std::string c = one_line(s);
      std::string o;
      for (char ch : c) o += ch == '|' ? std::string("\\|") : std::string(1, ch);
      return o;
    };
    for (const auto& l : f.evidence)
      out += fmt::format("| {} | {} | {} | `{}` | {} |\n", l.time_us ? when(l.time_us) : "untimed", l.role,
                         cell(l.host), cell(location_text(l)), cell(l.message));
    out += "\n### Checks\n\n";
    for (const auto& v : f.verdicts)
      out += fmt::format("- **{}** ({}, {}, {:+.2f}): {}\n", v.id, v.role, v.state, v.weight, one_line(v.text));
    if (!f.missing_sources.empty()) {
      out += "\n### Missing sources\n\n";
      for (const auto& m : f.missing_sources) out += "- " + one_line(m) + "\n";
    }
    if (!f.remediation.empty()) out += "\n### Fix\n\n```\n" + f.remediation + "\n```\n";
    if (!f.notes.empty()) {
      out += "\n### Notes\n\n";
      for (const auto& n : f.notes) out += "- " + one_line(n) + "\n";
    }
  }
  return out;
}

}  // namespace pm::cli
