// Temporary tables the rule engine derives from a case before rules run, on
// the rule engine's own connection (TEMP: the case file is never written).
// Rules see them through the mapping (rules/data/mapping.yml) like any table.
//
// pm_push_attempts: one row per push attempt.
//   attempt_id, event_id, source_id, location: where the attempt was recorded
//   server_host_id   host whose evidence recorded the attempt (the DPM server);
//                    NULL for MSI logs (recorded on the target)
//   target           canonical target name: hosts.name when the written name or
//                    address is a known alias, else the name as written, lower-case
//   target_host_id   NULL when the target is not a host of the case
//   target_written   the name as written
//   time_us          own time (errlog line), or the time of the timed attempt it
//                    was attached to, or NULL
//   time_basis       logged | attached <path>:<line> | untimed
//   seq              1-based order of the target's attempts: by time, untimed in
//                    file order after an attached predecessor
//   error_id, hresult, details, operation, message
//   kind             push-error (console text), dpm-trace (errlog), msi-install
//                    (a DPM agent installation in an MSI log on the target)
//   result           failed | succeeded (only MSI logs record successes)
// Console errors (untimed) attach to the timed errlog attempts for the same
// target and error id, k-th to k-th in file order; an attached errlog line is
// not repeated as an attempt of its own (attached_event_id points at it).
//
// pm_host_channels: (host_id, channel) of every Windows event log channel a
// host has events of; answers "is this host's System log in the case?".
//
// pm_firewall_profiles: firewall_profiles plus
//   active   yes | no | unknown: the Domain profile is active on a
//            domain-joined host (host facts), Private/Public are then not;
//            unknown when the case does not tell
//   message  one line, e.g. "Domain profile: State ON, drop logging disabled"
#pragma once

#include "db/sqlite.h"
#include "parsers/core/status.h"

namespace pm::rules {

// Creates (or re-creates) every derived table. Idempotent; cheap (the inputs
// are small tables), but reads all push_errors and dpm_trace attempt rows.
Status build_derived_tables(db::Database& db);

}  // namespace pm::rules
