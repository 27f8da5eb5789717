// The `report` page: one self-contained HTML file for a ticket attachment.
// Nothing in it fetches anything (scripts, styles and data inline, system
// fonts, no links to resources; a Content-Security-Policy of
// default-src 'none' makes sure), and it reads without JavaScript: every
// text is server-rendered and HTML-escaped.
//
// Layout: header (case, time, counts, case-wide notes), the findings summary
// (host, rule, confidence, one-line cause), then per finding: title, host,
// rule, level, confidence bar, time range, narrative, an interactive
// timeline (drawn by cli/report_assets/report.js from the data blob), the
// evidence table, the checks with state and weight, missing sources, the
// remediation in a <pre> with a copy button, notes. A case without findings
// gives a page that says so.
//
// The data blob is one <script type="application/json" id="pm-data">:
// {"generator":"pushmortem","case","generated","findings":[{"index","title",
// "host","rule","confidence","timeline":<timeline_json>}]} (see
// cli/report_timeline.h), with every '<', '>' and '&' written as a \u escape
// so no text can end the element.
#pragma once

#include <string>
#include <string_view>

#include "db/sqlite.h"
#include "parsers/core/status.h"
#include "rules/explain/engine.h"

namespace pm::cli {

struct ReportInfo {
  std::string case_name;     // shown in the header and the title (e.g. the case file's name)
  std::string generated_at;  // ISO 8601 UTC, shown in the header
};

// Builds the page. `db` is the connection the findings came from (derived
// tables built: temp.pm_push_attempts); the timelines are read from it.
Result<std::string> build_report_html(db::Database& db, const rules::ExplainResult& result, const ReportInfo& info);

// Text for HTML element content and attribute values: & < > " ' escaped,
// CR removed, other control characters except TAB and LF and bytes that are
// not valid UTF-8 replaced by U+FFFD.
std::string html_escape(std::string_view text);

// JSON text made safe inside a <script> element: '<', '>' and '&' become
// \u003c, \u003e, \u0026 (valid only inside JSON strings, where they occur).
std::string script_safe_json(std::string_view json);

}  // namespace pm::cli
