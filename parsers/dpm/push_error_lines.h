// Line shapes of push errors copied from the DPM console or PowerShell, and
// the alert form "(ID NNN Details: ...)". Pure functions over one line (given
// without surrounding white space); no state, no I/O. See push_errors_parser.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pm::push {

// "Install protection agent on HOST failed:" (also "failed." / "failed").
struct StartLine {
  std::string_view operation;  // Install protection agent
  std::string_view host;
};
std::optional<StartLine> parse_start_line(std::string_view line);

// "Error 319: text"
struct ErrorLine {
  int64_t id = 0;
  std::string_view text;
};
std::optional<ErrorLine> parse_error_line(std::string_view line);

// "Error details: text" / "Recommended action: text" (label case-insensitive
// after its first word); the text after the label, possibly empty.
std::optional<std::string_view> after_label(std::string_view line, std::string_view label);

// "1) ...", "2. ...", "- ...", "* ...", "• ...": a step of a recommended action.
bool is_step(std::string_view line);

// "(ID 347 Details: text (0x80010119))", balanced parentheses.
struct Alert {
  int64_t id = 0;
  std::string_view details;  // text inside, after "Details: "
  size_t begin = 0;          // offset of "(ID" in the line
};
std::vector<Alert> find_alerts(std::string_view line);

// The last " on HOST", " with HOST" or " to HOST" of `text` whose HOST looks
// like a machine name (an FQDN, an IPv4 address, a label with a digit or
// hyphen, or an all upper-case label); trailing sentence punctuation
// dropped. Empty when none. ("... communicate with web05.contoso.com.",
// "... transfer agent installation files to HV01.")
std::string_view host_after_on(std::string_view text);

// The first "0x" + 8 hex digits in `text`, upper-cased ("0x800706BA"); empty when none.
std::string hex_hresult_in(std::string_view text);

// `text` without a trailing "(0x........)" and white space before it.
std::string_view without_hresult_suffix(std::string_view text);

}  // namespace pm::push
