// DPM trace logs (*.errlog): any DPM binary's trace (MSDPMCurr.errlog,
// DPMRA3.errlog, AgentBootStrapperCurr.errlog.2024-03-12_10-15-00.Crash,
// CBEngineCurr.errlog, ...), UTF-16LE with or without BOM, UTF-8 or ANSI.
//
// Contract:
// - sniff: by content only. Among the first 200 non-blank lines of the head
//   (complete lines only), more than half must be trace lines (errlog_line.h: the 10-field shape,
//   tab- or space-separated, with or without a findstr prefix): 90 when at
//   least 3 and 80% are, else 60; otherwise 0.
// - parse: one unit = one line. Rows go to sink.dpm_trace(event, row):
//   * trace line -> a row with variant "tab", "space" or "findstr" (a findstr
//     `FILE:` prefix, whatever the separators); event time = the inferred
//     year (errlog_year.h) + MM/DD + time, UTC (no zone conversion; flagged
//     out_of_order when earlier than the previous row; time empty and flagged
//     invalid_value for 02/29 in a common year); level NORMAL->info,
//     WARNING->warning, ERROR->error, FATAL/CRITICAL->critical, else info;
//     message = field 10 with its own tabs; event_code = the first DPM error
//     id, else the first HRESULT, else empty; hresults, error_ids, hosts and
//     attempt_target from the message (dpm_text.h); location = line number;
//     offset = byte offset; EventRow::host empty (the file's host).
//   * continuation line (a non-blank line that does not start a trace record,
//     after a stored record with only blank or continuation lines between):
//     its own row with variant "continuation": the record's time, level and
//     trace fields (binary, pid, tid, tag, source, object, GUID, level), the
//     line's text as message and what that text mentions (attempt_target
//     only when it differs from the record's: one attempt, one row). So a
//     multi-line message streams without holding rows back; rows of one
//     record share pid/tid/time and follow each other in `location`. At most
//     500 in a row; later ones are rejected.
//   * blank lines -> header_units.
//   * rejected, with a reason: lines that start like a record (pid, tid,
//     MM/DD, time) but have a bad field; lines longer than 1 MiB; lines with
//     control characters or undecodable bytes; non-record lines before the
//     first record or after a rejected line (nothing to continue).
// - binary: from SourceRef::display_path (dpm_text.h binary_from_file_name);
//   on findstr lines from the prefix's file name when it names one. The name
//   never decides the format.
// - The year: ParseCounts::time_basis says how it was chosen (errlog_year.h).
//   A first pass reads the raw bytes for the dates; the parse streams.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class ErrlogParser final : public Parser {
 public:
  std::string_view name() const override { return "dpm-errlog"; }
  std::string_view description() const override {
    return "DPM trace log (*.errlog of MSDPM, DPMRA, AgentBootStrapper, ...; MM/DD UTC dates, year inferred)";
  }
  // Parsed after dated sources: its MM/DD dates anchor on the host's latest time.
  Phase phase() const override { return Phase::undated; }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
