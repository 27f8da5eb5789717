#include "cli/platform.h"

#include <csignal>
#include <cstdlib>

#ifdef _WIN32
#include <io.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace pm::cli {
namespace {

std::atomic<bool> g_interrupted{false};

#ifdef _WIN32
BOOL WINAPI on_console_event(DWORD type) {
  if (type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT) {
    if (g_interrupted.exchange(true)) std::_Exit(130);
    return TRUE;
  }
  return FALSE;
}
#else
extern "C" void on_signal(int) {
  if (g_interrupted.exchange(true)) std::_Exit(130);
}
#endif

}  // namespace

bool stderr_is_terminal() {
#ifdef _WIN32
  return _isatty(_fileno(stderr)) != 0;
#else
  return isatty(STDERR_FILENO) != 0;
#endif
}

bool stdout_is_terminal() {
#ifdef _WIN32
  return _isatty(_fileno(stdout)) != 0;
#else
  return isatty(STDOUT_FILENO) != 0;
#endif
}

const std::atomic<bool>& install_interrupt_handler() {
#ifdef _WIN32
  SetConsoleCtrlHandler(on_console_event, TRUE);
#else
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
#endif
  return g_interrupted;
}

}  // namespace pm::cli
