// Helpers shared by the firewall configuration-dump parsers (netsh
// advfirewall output and PowerShell Format-List output): trimming, label
// folding for localized labels, re-joining wrapped lines, head scanning for
// sniffers, (the shared Tally lives in parsers/core/tally.h).
// Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/parser.h"
#include "parsers/core/tally.h"

namespace pm::fwcfg {

std::string_view trim(std::string_view s);
std::string_view ltrim(std::string_view s);
std::string_view rtrim(std::string_view s);
inline bool is_blank(std::string_view s) { return trim(s).empty(); }
inline bool is_indented(std::string_view s) { return !s.empty() && (s[0] == ' ' || s[0] == '\t'); }

// A rule line of at least 10 '-' (trailing blanks allowed), as under netsh block titles.
bool is_dash_rule(std::string_view s);
// netsh's closing "Ok." (any case, dot optional).
bool is_ok_line(std::string_view s);
// A shell prompt echoing a command: "C:\Windows\system32>netsh ...", "PS C:\> Get-NetFirewallRule".
bool is_command_echo(std::string_view s);

// Number of code points: the console column count of a decoded line.
size_t display_width(std::string_view utf8);

// Label folding for comparisons: ASCII lower case, spaces/'-'/'_'/'.' removed,
// German capital umlauts lowered, and the CP850 umlauts that arrive misdecoded
// as Windows-1252 (cmd.exe redirects of German netsh) mapped back to ä/ö/ü/ß.
std::string fold(std::string_view s);

// Splits on runs of blanks.
std::vector<std::string_view> split_ws(std::string_view s);

// Integer -> int64, empty -> NULL, anything else kept verbatim as text.
Value number_or_text(std::string_view s);

// At most `max` bytes of s, cut back to a UTF-8 character boundary.

// Appends a wrapped fragment to a value. `glue`: the break lost nothing
// (console hard wrap, or a word split by the formatter), so the fragment is
// appended as is; otherwise the two are joined with a single space.
void join_fragment(std::string& value, std::string_view fragment, bool glue);

// The lines every netsh block parser accepts last: a console-wrapped piece of
// the value being read (`last`, null when none; indented, or after a line of
// 79+ columns, `prev_width`) is re-joined to it, and a command echo is kept as
// a header line. Returns true (and counts the line) when it was one of them.
bool absorb_wrap_or_echo(std::string* last, std::string_view text, size_t prev_width, Tally& tally);

// The first lines of a sniffing head (CR removed; a line cut by the head
// limit is dropped).
std::vector<std::string_view> head_lines(const Head& head, size_t max_lines = 400);


}  // namespace pm::fwcfg
