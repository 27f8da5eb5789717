// Data files embedded at build time from parsers/data/ (see cmake/embed.cmake).
// embedded_file returns the file's bytes, or empty when not embedded.
#pragma once

#include <string_view>

namespace pm {
namespace parser_data {
std::string_view embedded_file(std::string_view base_name);
}
using parser_data::embedded_file;
}  // namespace pm
