// Shared pieces of the Windows event export parsers (evt-xml, evt-csv,
// evt-text): times, levels, culture date formats and the final row fill, so
// the same event yields the same row from every format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/parser.h"
#include "parsers/core/rows.h"

namespace pm::events {

inline constexpr int64_t kFiletimeUnixTicks = 116444736000000000LL;  // 100 ns ticks from 1601 to 1970

// "2020-07-24T14:21:33.4567890Z" (fraction 0..9 digits, 'Z' optional, no
// other offset) -> FILETIME ticks; digits beyond 7 are dropped. Empty when malformed.
std::optional<int64_t> parse_utc_ticks(std::string_view text);

// Microseconds since 1970 from FILETIME ticks (floor).
int64_t ticks_to_us(int64_t ticks);

// Level from the Level number: 1 critical, 2 error, 3 warning, 5 verbose,
// 0, 4 and anything else information (as the evtx parser maps it).
Level level_from_number(int64_t level);

// Level number from a localized level name (English, German): Critical/
// Kritisch 1, Error/Fehler 2, Warning/Warnung 3, Information/Informationen 4,
// Verbose/Ausführlich 5, audit success/failure (Überwachung erfolgreich/
// gescheitert) 0. Empty when unknown.
std::optional<int64_t> level_number_from_name(std::string_view name);

// A wall-clock date and time written in a culture's format.
struct LocalStamp {
  int64_t seconds = 0;  // the reading as if it were UTC, seconds since 1970
  int64_t micros = 0;   // fraction of the second
};

// Date orders of culture formats.
enum class DateOrder { unknown, mdy, dmy, ymd };
const char* to_string(DateOrder order);  // "M/D/YYYY", "D/M/YYYY", "YYYY-M-D"

// Parses "7/24/2020 10:21:33 AM", "24.07.2020 10:21:33", "24/07/2020 10:21",
// "2020-07-24 10:21:33", "2020-07-24T10:21:33.456" with the given order for
// two-part-first dates (ymd is recognised by a 4-digit first part whatever
// the order). AM/PM (and vorm./nachm.) switch to a 12-hour clock. Empty when malformed.
std::optional<LocalStamp> parse_local_stamp(std::string_view text, DateOrder order);

// The order a date text suggests on its own: '.' -> dmy, 4-digit first part
// -> ymd, '/' with AM/PM -> mdy, '/' with a first part > 12 -> dmy, '/'
// with a second part > 12 -> mdy; unknown otherwise.
DateOrder guess_date_order(std::string_view text);

// Sets EventRow::time_us, WinEventRow::filetime and the zone flags from a
// local reading converted with the source's zone.
void set_local_time(const SourceRef& source, const LocalStamp& local, EventRow& ev, WinEventRow& row);

// Sets the time from UTC FILETIME ticks.
void set_utc_time(int64_t ticks, EventRow& ev, WinEventRow& row);

// Completes a row from its WinEventRow: host = computer, event_code =
// event id text (or `event_id_text` when given, e.g. with qualifiers
// removed), level from the Level number (else level_text), message =
// `message` when the export had one (trimmed, CR LF -> LF), else the
// rendered template message.
void finish_rows(WinEventRow& row, EventRow& ev, std::string_view message);

// Hexadecimal keywords "0x%016llx" from a decimal or hexadecimal text (PowerShell
// writes Keywords as a signed 64-bit decimal); the text as written when it is neither.
std::string keywords_hex(std::string_view text);

// A System number: trimmed text -> integer; empty -> NULL; anything else is
// kept as text and `ok` set to false (the row is then flagged invalid_value).
void set_number(Value& v, std::string_view text, bool& ok);

// "{...}" around a GUID written without braces (PowerShell); "" stays "".
std::string braced_guid(std::string_view text);

// Trims spaces, tabs and CR/LF at both ends.
std::string_view trim(std::string_view s);

}  // namespace pm::events
