// Small string helpers shared by parsers and db/. Pure, header-only.
#pragma once

#include <string>
#include <string_view>

namespace pm {

// ASCII lower case; bytes outside A-Z (UTF-8 included) are kept as they are.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace pm
