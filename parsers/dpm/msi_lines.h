// Line shapes of MSI verbose logs, recognised one line at a time (English
// message texts). Pure functions over string_views into the given line; no
// state, no I/O. The parser (msi_log_parser.cpp) decides what each line counts as.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pm::msi {

enum class Shape { no, ok, malformed };  // not this shape / parsed / looks like it but is broken

// "=== Verbose logging started: 7/24/2020  11:41:20  Build type: ... ===",
// "=== Logging started: ...", "=== Logging stopped: 7/24/2020  11:41:33 ===",
// "=== Verbose logging stopped: ...".
struct Banner {
  bool started = true;        // false: stopped
  std::string_view date;      // as written
  std::optional<int64_t> time_ms;  // empty when malformed or missing
  std::string_view time_text;
};
bool parse_banner(std::string_view line, Banner& out);

// "MSI (s) (74:A8) [12:44:33:484]: message"; pid!tid on custom action threads.
struct MsiLine {
  std::string_view context;         // c, s (as written)
  std::string_view process_thread;  // 74:A8 or 74!A8
  std::string_view time_text;       // 12:44:33:484
  int64_t time_ms = 0;
  std::string_view message;         // after "]: "
};
Shape parse_msi_line(std::string_view line, MsiLine& out, const char** why);

// "Action start 11:41:29: X.", "Action ended 11:41:29: X. Return value 3.",
// "Action 11:41:29: X. Description".
struct ActionLine {
  enum Kind { start, ended, progress } kind = start;
  std::string_view time_text;
  int64_t time_ms = 0;
  std::string_view action;
  std::optional<int64_t> return_value;
};
Shape parse_action_line(std::string_view line, ActionLine& out, const char** why);

// "Property(S): Name = Value" (also (C), (N)).
bool parse_property(std::string_view line, std::string_view& name, std::string_view& value);

// What one message says about the install's outcome and product.
struct MessageFacts {
  std::optional<int64_t> status;       // Installation success or error status: N
  std::optional<int64_t> main_engine;  // MainEngineThread is returning N
  std::string_view product;            // Product Name: X / Product: X -- ...
  bool product_from_installer = false; // "Windows Installer ... the product. Product Name:" (strongest)
  std::string_view version;            // Product Version: Y
  int outcome = 0;                     // Product: ... -- : 1 completed successfully, -1 failed, 0 none
  bool error = false;                  // Error NNNN, returned actual error code, -- Error
};
MessageFacts message_facts(std::string_view message);

// Whether the line holds control characters (other than tab) or U+FFFD.
bool looks_binary(std::string_view line);

}  // namespace pm::msi
