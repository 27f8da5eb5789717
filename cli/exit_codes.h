// Process exit codes, documented in README.md ("Exit codes"). Stable: scripts use them.
#pragma once

#include "parsers/core/status.h"

namespace pm::cli {

enum ExitCode : int {
  kExitOk = 0,           // success
  kExitFailure = 1,      // the command ran but some input failed (e.g. a source could not be read)
  kExitUsage = 2,        // bad command line or bad argument value
  kExitInput = 3,        // unreadable input: a PATH or case file missing, unreadable, or not a case
  kExitConflict = 4,     // the case was written by a newer pushmortem
  kExitFindings = 5,     // --fail-on-findings: explain/analyze reported a finding, hunt a match
  kExitInternal = 70,    // an unexpected internal error (a bug: please report it)
  kExitInterrupted = 130 // Ctrl-C: the source being ingested was rolled back
};

// Maps an expected failure to its exit code.
inline int exit_code_for(const Status& s) {
  if (s.is_ok()) return kExitOk;
  switch (s.kind()) {
    case ErrorKind::usage: return kExitUsage;
    case ErrorKind::io:
    case ErrorKind::bad_input: return kExitInput;
    case ErrorKind::conflict: return kExitConflict;
    case ErrorKind::interrupted: return kExitInterrupted;
    default: return kExitFailure;
  }
}

}  // namespace pm::cli
