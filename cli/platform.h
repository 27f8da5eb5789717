// The one platform file: terminal detection and Ctrl-C handling, with POSIX
// and Windows implementations. Everything else in pushmortem is portable C++.
#pragma once

#include <atomic>

namespace pm::cli {

bool stderr_is_terminal();
bool stdout_is_terminal();

// Installs a Ctrl-C (SIGINT/SIGTERM, console control) handler that sets the
// returned flag; a second Ctrl-C ends the process at once.
const std::atomic<bool>& install_interrupt_handler();

}  // namespace pm::cli
