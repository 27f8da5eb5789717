// SHA-256 of a file (OpenSSL libcrypto), as 64 lower-case hex digits.
#pragma once

#include <filesystem>
#include <string>

#include "parsers/core/status.h"

namespace pm {
Result<std::string> sha256_file(const std::filesystem::path& file);
}  // namespace pm
