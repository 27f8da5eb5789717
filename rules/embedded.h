// Rule-engine data embedded at build time (see cmake/embed.cmake): the
// built-in pack rules/packs/dpm/*.yml and the files in rules/data/.
// embedded_file returns a file's bytes by base name ("mapping.yml"), or an
// empty view when no such file was embedded; embedded_names lists every
// embedded base name. Generated code; safe to call from any thread.
#pragma once

#include <string_view>
#include <vector>

namespace pm::rules::data {

std::string_view embedded_file(std::string_view base_name);
std::vector<std::string_view> embedded_names();

}  // namespace pm::rules::data
