#include "parsers/dpm/role_facts.h"
#include "parsers/core/strings.h"

namespace pm::dpm {
namespace {

bool has(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

bool is_version(std::string_view v) {
  int dots = 0;
  if (v.empty() || v.front() == '.' || v.back() == '.') return false;
  for (char c : v) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots >= 2 && dots <= 3;
}

}  // namespace

std::string_view product_role(std::string_view product) {
  std::string p = ascii_lower(product);
  bool dpm = has(p, "dpm") || has(p, "data protection manager");
  if (!dpm || has(p, "central console") || has(p, "remote administration")) return {};
  if (has(p, "agent")) return "target";
  if (has(p, "console") || has(p, "central") || has(p, "management pack")) return {};
  return "server";
}

std::optional<CoordinatorPath> find_coordinator_path(std::string_view text) {
  std::string low = ascii_lower(text);
  size_t at = low.find("dpmac.exe");
  while (at != std::string::npos) {
    size_t end = at + 9;
    // Back to the nearest character that cannot be inside a path.
    size_t begin = at;
    while (begin > 0 && std::string_view("\"'=|<>\t,;").find(low[begin - 1]) == std::string_view::npos) --begin;
    // The path starts at a drive letter, %ProgramFiles% or a UNC prefix.
    size_t start = std::string::npos;
    for (size_t i = begin; i + 2 < at && start == std::string::npos; ++i) {
      bool drive = low[i] >= 'a' && low[i] <= 'z' && low[i + 1] == ':' && low[i + 2] == '\\' &&
                   (i == begin || !(low[i - 1] >= 'a' && low[i - 1] <= 'z'));
      if (drive || low.compare(i, 2, "\\\\") == 0 || low.compare(i, 13, "%programfiles") == 0) start = i;
    }
    if (start != std::string::npos && low.compare(start, 2, "\\\\") != 0 && (end == low.size() || low[end] != '.')) {
      std::string_view path = text.substr(start, end - start);
      std::string lp = low.substr(start, end - start);
      const std::string_view ac = "\\protectionagents\\ac\\";
      if (size_t a = lp.find(ac); a != std::string::npos) {
        std::string_view rest = path.substr(a + ac.size());
        size_t slash = rest.find('\\');
        std::string_view version = slash == std::string_view::npos ? std::string_view() : rest.substr(0, slash);
        return CoordinatorPath{std::string(path), "server", is_version(version) ? std::string(version) : std::string()};
      }
      if (lp.ends_with("\\dpmac\\bin\\dpmac.exe")) return CoordinatorPath{std::string(path), "target", {}};
    }
    at = low.find("dpmac.exe", end);
  }
  return std::nullopt;
}

void RoleFacts::product(std::string_view name, std::string_view version, int64_t line, bool succeeded) {
  std::string_view role = product_role(name);
  if (role.empty()) return;
  if (product_role_.empty()) {
    product_role_ = role;
    role_line_ = line;
  } else if (product_role_ != role) {
    return;  // the first DPM product of the file decides its role
  }
  if (!version.empty() && (succeeded || !product_succeeded_)) {
    product_version_ = {std::string(version), line};
    product_succeeded_ = product_succeeded_ || succeeded;
  }
}

void RoleFacts::scan(std::string_view text, int64_t line) {
  if (!path_role_.empty() || text.size() < 9) return;
  auto found = find_coordinator_path(text);
  if (!found) return;
  path_role_ = found->role;
  path_ = {found->path, line};
  if (!found->version.empty()) path_version_ = {found->version, line};
}

void RoleFacts::finish(RowSink& sink) const {
  std::string role = product_role_.empty() ? path_role_ : product_role_;
  if (role.empty()) return;
  bool path_agrees = path_role_ == role;
  sink.host_fact({"dpm_role", role, product_role_.empty() ? path_.line : role_line_});
  if (!product_version_.value.empty()) {
    sink.host_fact({"dpm_version", product_version_.value, product_version_.line});
  } else if (path_agrees && !path_version_.value.empty()) {
    sink.host_fact({"dpm_version", path_version_.value, path_version_.line});
  }
  if (path_agrees) sink.host_fact({"agent_coordinator_path", path_.value, path_.line});
}

}  // namespace pm::dpm
