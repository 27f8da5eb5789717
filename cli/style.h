// What every command does the same way on a terminal: colour (decided once:
// --color=auto|always|never, NO_COLOR), the width tables fit, the --format,
// -q/--quiet and -v/--verbose options, and progress drawn on standard error
// (a bar for ingest, a phase line with a spinner for explain and hunt).
// Terminal facts come from cli/platform.h; nothing here is OS-specific.
// Output piped to a file or program never gets colour, width limits or
// progress, so it is the same on every machine.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/output.h"

namespace pm::db {
struct IngestProgress;
}

namespace pm::cli {

// ---------------------------------------------------------------- colour

enum class ColorMode { auto_detect, always, never };

// Adds --color=auto|always|never (default auto).
CLI::Option* add_color_option(CLI::App* cmd, ColorMode& mode);

// always -> true; never -> false; auto -> `is_terminal` and NO_COLOR unset
// or empty (https://no-color.org: a non-empty NO_COLOR turns colour off;
// an explicit --color=always still wins, as a command-line choice).
bool decide_color(ColorMode mode, bool is_terminal, const char* no_color);

// decide_color for standard output: its terminal state and getenv("NO_COLOR").
bool stdout_color(ColorMode mode);

// ANSI SGR codes used by pushmortem.
namespace sgr {
inline constexpr std::string_view bold = "1";
inline constexpr std::string_view red = "31";
inline constexpr std::string_view bold_red = "1;31";
inline constexpr std::string_view green = "32";
inline constexpr std::string_view yellow = "33";
inline constexpr std::string_view cyan = "36";
}  // namespace sgr

// Paints text with an SGR code when on; returns it unchanged when off.
class Style {
 public:
  explicit Style(bool on) : on_(on) {}
  bool on() const { return on_; }
  std::string paint(std::string_view text, std::string_view code) const;
  std::string bold(std::string_view text) const { return paint(text, sgr::bold); }

 private:
  bool on_;
};

// The colour of a Sigma level: critical bold red, high red, medium yellow,
// low cyan, informational and anything else none ("").
std::string_view level_sgr(std::string_view level);

// ----------------------------------------------------------------- width

// The width a table on standard output must fit (0 = no limit): only when
// it is a terminal; then COLUMNS when it holds a positive number, else the
// terminal's own width (`terminal_columns`, 0 when unknown).
size_t decide_table_width(bool is_terminal, const char* columns_env, size_t terminal_columns);

// Table options for standard output: `base` with max_width from
// decide_table_width and colour as decided by the caller.
TableWriter::Options stdout_table_options(bool color, TableWriter::Options base = {});

// --------------------------------------------------------------- options

// Adds --format accepting `names` (the first is the default when `format`
// is empty). The people form is called "text" by some commands and "table"
// by others: whichever of the two `names` holds, the other is accepted too
// and stored as the listed one, so every command takes both.
CLI::Option* add_format_option(CLI::App* cmd, std::string& format, const std::vector<std::string>& names,
                               const std::string& help);

// Makes an existing --format option (added elsewhere, e.g. by
// add_explain_options) accept `alias` as `name` ("table" for "text").
void add_format_alias(CLI::Option* format_option, const std::string& alias, const std::string& name);

// -q/--quiet and -v/--verbose, the same on every command: --quiet prints no
// progress and no summary (results and errors still come); --verbose adds
// details and where the time went. They exclude each other.
struct Verbosity {
  bool quiet = false;
  bool verbose = false;
};
void add_verbosity_flags(CLI::App* cmd, Verbosity& v, const std::string& quiet_help = "",
                         const std::string& verbose_help = "");

// -------------------------------------------------------------- progress

// Progress belongs on standard error, only when it is a terminal and the
// user did not ask for --quiet.
bool progress_wanted(bool quiet);

// "[##########..........]" with `width` cells inside the brackets.
std::string progress_bar(double fraction, size_t width);

// One ingest progress line fitted to `columns` (0 = 80):
// "[####......]  42%  3/7 files  fs01/pfirewall.log" (the path cut at its start).
std::string ingest_progress_text(const db::IngestProgress& p, size_t columns);

// One line on standard error redrawn in place, for work that takes more
// than a second: nothing is drawn before `delay` has passed since it was
// made, then at most ten times a second. Disabled lines do nothing.
// clear() (and the destructor) erase what was drawn.
class StatusLine {
 public:
  explicit StatusLine(bool enabled, std::chrono::milliseconds delay = std::chrono::seconds(1));
  ~StatusLine();
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;
  bool enabled() const { return enabled_; }
  bool due() const;  // update() would draw now (callers can skip building the text otherwise)
  void update(std::string_view text);
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// A phase line with a spinner and the elapsed time for work that runs in
// one call ("| explain: running 21 rules  1.4 s"), drawn by its own thread
// after the first second. stop() (and the destructor) ends it and erases
// the line; call it before writing anything else to the terminal.
class Spinner {
 public:
  Spinner(std::string command, bool enabled);
  ~Spinner();
  Spinner(const Spinner&) = delete;
  Spinner& operator=(const Spinner&) = delete;
  void phase(std::string text);
  void stop();

 private:
  void run();
  std::string command_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string phase_;
  bool stopping_ = false;
  std::thread thread_;
};

// Seconds since `start`, for --verbose timings.
double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace pm::cli
