// Runs the pushmortem binary (or any command) for end-to-end tests and
// captures stdout; stderr goes to a file so tests can read it too.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "support/paths.h"

#ifdef _WIN32
#define PM_POPEN _popen
#define PM_PCLOSE _pclose
#else
#include <sys/wait.h>
#define PM_POPEN popen
#define PM_PCLOSE pclose
#endif

namespace pm::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Quotes one shell word (POSIX sh): 'it'\''s'.
inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// A name part that differs between processes and calls (ctest runs tests in parallel).
inline std::string unique_suffix() {
  static std::random_device rd;
  static int counter = 0;
  return std::to_string(rd()) + "_" + std::to_string(++counter);
}

// Runs a shell command line; returns its exit code, stdout and stderr.
inline CommandResult run_command(const std::string& command_line) {
  CommandResult r;
  auto err_file = std::filesystem::temp_directory_path() / ("pm_test_stderr_" + unique_suffix() + ".txt");
  std::string cmd = command_line + " 2>" + quote(err_file.string());
  FILE* p = PM_POPEN(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = PM_PCLOSE(p);
#ifdef _WIN32
  r.exit_code = status;
#else
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
#endif
  std::ifstream in(err_file);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  std::filesystem::remove(err_file);
  return r;
}

// Runs `pushmortem ARGS` (ARGS already quoted where needed).
inline CommandResult run_pm(const std::string& args) { return run_command(quote(binary_path().string()) + " " + args); }

// A fresh temporary folder, removed when the object dies.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("pm_test_" + unique_suffix());
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string str(const std::string& rel = "") const { return (rel.empty() ? path : path / rel).string(); }
};

}  // namespace pm::test
