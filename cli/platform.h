// The one platform file: terminal detection and size, and Ctrl-C handling, with POSIX
// and Windows implementations. Everything else in pushmortem is portable C++.
#pragma once

#include <atomic>
#include <cstddef>

namespace pm::cli {

bool stderr_is_terminal();
bool stdout_is_terminal();

// Width in columns of the terminal that standard output (or standard error)
// writes to; 0 when it is not a terminal or the width cannot be read.
// (The COLUMNS environment variable is honoured by cli/style.h, not here.)
size_t stdout_terminal_columns();
size_t stderr_terminal_columns();

// Installs a Ctrl-C (SIGINT/SIGTERM, console control) handler that sets the
// returned flag; a second Ctrl-C ends the process at once.
const std::atomic<bool>& install_interrupt_handler();

}  // namespace pm::cli
