// Private to the bundle walker: checking and cleaning archive member names,
// and turning them into safe file names inside the temporary folder. Pure
// functions (no I/O), so they are tested directly.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pm::bundle_detail {

struct MemberName {
  bool ok = false;
  std::string reason;                   // why the name is refused (when !ok)
  std::vector<std::string> components;  // cleaned: no empty, "." or ".." parts
  std::string display;                  // components joined with '/'
  bool is_dir = false;                  // the name ends with a separator
};

// Checks a member name (UTF-8). '\\' counts as a separator. Refuses absolute
// names ("/x", "\\\\server\\share", "C:\\x", "C:x"), any ".." component and
// names without a component.
MemberName clean_member_name(std::string_view name);

// A file name component that is safe on every platform: control characters
// and <>:"|?* become '_', a trailing '.' or ' ' becomes '_', Windows device
// names (CON, NUL, COM1, ...) get a '_' prefix, long names are shortened.
std::string disk_component(std::string_view component);

// Unicode case folding (UTF-8 in, UTF-8 out), to find names that collide on
// case-insensitive file systems.
std::string fold_case(std::string_view utf8);

// The member name of a single compressed file: "pfirewall.log.gz" ->
// "pfirewall.log", "x.tgz" -> "x.tar"; a name without a known suffix is kept.
std::string raw_member_name(std::string_view archive_name);

// Conversions between std::filesystem::path and UTF-8 strings.
std::filesystem::path path_from_utf8(std::string_view utf8);
std::string path_to_utf8(const std::filesystem::path& p);
std::string generic_utf8(const std::filesystem::path& p);

}  // namespace pm::bundle_detail
