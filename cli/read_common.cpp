#include "cli/read_common.h"

namespace pm::cli {

Result<db::CaseDb> open_case_for_reading(const std::string& path) {
  if (path.empty()) return Status::error(ErrorKind::usage, "--case FILE is required: the case database to read");
  auto c = db::CaseDb::open_read_only(path);
  if (!c) return c.status();
  c->db().make_read_only_guarded();
  return c;
}

void report_error(std::ostream& err, std::string_view command, std::string_view message) {
  std::string line = "pushmortem ";
  line += command;
  line += ": ";
  line += message;
  line += '\n';
  err << line;
  err.flush();
}

}  // namespace pm::cli
