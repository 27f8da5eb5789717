#include "cli/platform.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

#ifdef _WIN32
#include <io.h>
#include <windows.h>
#else
#include <sys/ioctl.h>
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

namespace {

#ifdef _WIN32
size_t console_columns(DWORD which, FILE* stream) {
  if (_isatty(_fileno(stream)) == 0) return 0;
  CONSOLE_SCREEN_BUFFER_INFO info;
  HANDLE h = GetStdHandle(which);
  if (h == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(h, &info)) return 0;
  int cols = info.srWindow.Right - info.srWindow.Left + 1;
  return cols > 0 ? static_cast<size_t>(cols) : 0;
}
#else
size_t fd_columns(int fd) {
  if (isatty(fd) == 0) return 0;
  struct winsize ws {};
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}
#endif

}  // namespace

size_t stdout_terminal_columns() {
#ifdef _WIN32
  return console_columns(STD_OUTPUT_HANDLE, stdout);
#else
  return fd_columns(STDOUT_FILENO);
#endif
}

size_t stderr_terminal_columns() {
#ifdef _WIN32
  return console_columns(STD_ERROR_HANDLE, stderr);
#else
  return fd_columns(STDERR_FILENO);
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
