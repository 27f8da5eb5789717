// Rendered messages for Windows events that carry none (EVTX records, bare
// XML). Templates are data (parsers/data/event_messages.tsv, embedded), one
// line each: provider, event id, and the English message text. Template syntax:
//   %N        the N-th EventData/UserData value (1-based, document order)
//   %{Name}   the value of the data item called Name (first match, case-insensitive)
//   [[...]]   an optional part, left out when any insertion inside it is missing
//   \n \t     line break, tab
// An insertion whose value is missing outside [[...]] stays visible (%N).
// Other lines of the file: "ALIAS<TAB>*<TAB>PROVIDER" makes ALIAS (an
// EventSourceName or an older provider name) use PROVIDER's templates;
// "%%<TAB>N<TAB>text" is a parameter string: a data value that is exactly
// "%%N" is shown as the text (msobjs.dll / system message strings).
// Events without a template get "Provider EventID: name=value name=value ...".
// Lookups ignore the case of provider names. Thread-safe (immutable after first use).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/core/rows.h"

namespace pm {

// The message for an event: its template (looked up by provider, then by
// event_source_name) filled from row.data, else the generic form.
std::string render_event_message(const WinEventRow& row);

// True when a template exists for this provider (or alias) and event id.
bool has_event_template(std::string_view provider, int64_t event_id);

// "%%1833" -> "Impersonation" when the parameter string is known; else the value unchanged.
std::string expand_parameter_string(std::string_view value);

}  // namespace pm
