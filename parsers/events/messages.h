// Rendered messages for Windows events that carry none (EVTX records, bare
// XML). Templates are data (parsers/data/event_messages.tsv, embedded):
// provider, event id, and the English message text with %1..%n insertion
// points that take the n-th EventData value (document order). Events without
// a template get "Provider EventID: name=value name=value ...". Thread-safe.
#pragma once

#include <string>

#include "parsers/core/rows.h"

namespace pm {

// The message for an event: its template filled from row.data, else the generic form.
std::string render_event_message(const WinEventRow& row);

// True when a template exists for this provider and event id.
bool has_event_template(std::string_view provider, int64_t event_id);

}  // namespace pm
