// Shared plumbing of the read commands (query, sources, timeline, export):
// opening the case read-only and reporting errors in one voice.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "db/case_db.h"

namespace pm::cli {

// Opens the case with CaseDb::open_read_only and make_read_only_guarded()
// (nothing the command runs can change the file).
Result<db::CaseDb> open_case_for_reading(const std::string& path);

// Writes "pushmortem COMMAND: MESSAGE" and a newline to `err`.
void report_error(std::ostream& err, std::string_view command, std::string_view message);

}  // namespace pm::cli
