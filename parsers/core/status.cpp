#include "parsers/core/status.h"

namespace pm {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::io: return "io";
    case ErrorKind::bad_input: return "bad input";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::limit: return "limit";
    case ErrorKind::usage: return "usage";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::interrupted: return "interrupted";
  }
  return "error";
}

}  // namespace pm
