#include "parsers/core/rows.h"

namespace pm {

const char* to_string(Level level) {
  switch (level) {
    case Level::none: return "";
    case Level::verbose: return "verbose";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
    case Level::critical: return "critical";
  }
  return "";
}

}  // namespace pm
