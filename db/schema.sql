-- pushmortem case database schema.
--
-- One SQLite file per case. The schema version is PRAGMA user_version
-- (db/case_db.cpp: kSchemaVersion); older cases are migrated on open, newer
-- ones are refused. Times are INTEGER microseconds since 1970-01-01 UTC
-- (column suffix _us); the views add ISO 8601 text. Comments in this file are
-- the documentation of the schema (docs/schema.md is generated from them).
-- Secondary indexes live in db/indexes.sql and are built after bulk loads.

-- A machine that evidence came from or talks about.
CREATE TABLE IF NOT EXISTS hosts (
  host_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE, -- display name: the first name it was known by
  fqdn TEXT COLLATE NOCASE,                 -- fully qualified name, e.g. fs01.contoso.com
  netbios TEXT COLLATE NOCASE,              -- NetBIOS / short name, e.g. FS01
  domain TEXT COLLATE NOCASE,               -- DNS domain, e.g. contoso.com
  os_name TEXT,                             -- e.g. Microsoft Windows Server 2012 R2 Standard
  os_version TEXT,                          -- e.g. 6.3.9600 N/A Build 9600
  time_zone TEXT,                           -- IANA zone id used for its local-time sources
  time_zone_source TEXT,                    -- where the zone came from, e.g. "systeminfo fs01/systeminfo.txt:25"
  dpm_role TEXT,                            -- server (runs DPM) or target (got the agent); NULL when unknown
  dpm_version TEXT,                         -- e.g. 10.19.58.0: DPM on a server, the agent on a target
  agent_coordinator_path TEXT               -- e.g. ...\ProtectionAgents\AC\10.19.58.0\dpmac.exe
);

-- Every name and address a host is known by (NetBIOS, FQDN, IP, folder name).
CREATE TABLE IF NOT EXISTS host_aliases (
  alias TEXT NOT NULL COLLATE NOCASE PRIMARY KEY, -- the name or address
  host_id INTEGER NOT NULL REFERENCES hosts(host_id),
  kind TEXT NOT NULL,                             -- netbios, fqdn, ip, name
  source_id INTEGER REFERENCES sources(source_id) -- who said so; NULL for --host
);

-- Facts about hosts, one row per statement, with who said so.
CREATE TABLE IF NOT EXISTS host_facts (
  host_id INTEGER REFERENCES hosts(host_id), -- NULL when the source named no host
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  location INTEGER,   -- line in the source
  fact TEXT NOT NULL, -- host_name, domain, fqdn, os_name, os_version, time_zone, ip_address, boot_time, ...
  value TEXT NOT NULL
);

-- Every file met during ingest, including archives, skipped and duplicate
-- files. Counts reconcile: units_read = rows_stored + rows_rejected + header_units.
CREATE TABLE IF NOT EXISTS sources (
  source_id INTEGER PRIMARY KEY,
  bundle TEXT NOT NULL,          -- the PATH given to ingest that contained this file
  path TEXT NOT NULL,            -- path inside the bundle, '/'-separated; archive members as a.zip/dir/file
  parent_id INTEGER REFERENCES sources(source_id), -- the archive this file came out of, if any
  sha256 TEXT NOT NULL,          -- of the file's bytes
  size INTEGER NOT NULL,         -- bytes
  status TEXT NOT NULL,          -- ingested, skipped, failed, duplicate, archive
  status_reason TEXT,            -- why skipped/failed/duplicate; archive member counts
  format TEXT,                   -- parser name (pfirewall, netsh-allprofiles, ...); NULL when none matched
  sniff_score INTEGER,           -- 0..100, the winning parser's confidence
  sniff_reason TEXT,             -- what in the content decided the format
  encoding TEXT,                 -- UTF-8, UTF-16LE, UTF-16BE, Windows-1252, binary
  host_id INTEGER REFERENCES hosts(host_id),
  host_reason TEXT,              -- how the host was decided: --host, folder name, content, sibling file
  time_zone TEXT,                -- IANA zone applied to local times; 'UTC' also when unknown
  time_zone_reason TEXT,         -- --tz, host facts (which source), or 'unknown: UTC assumed'
  unit TEXT,                     -- what a unit is: line or record
  units_read INTEGER NOT NULL DEFAULT 0,
  rows_stored INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  header_units INTEGER NOT NULL DEFAULT 0, -- headers, comments and blank lines
  time_basis TEXT,               -- how incomplete times were completed (the year of MM/DD dates, ...)
  notes TEXT,                    -- the file's state as the parser found it (EVTX: dirty flag, CRC failures,
                                 -- recovered and partial records)
  first_time_us INTEGER,         -- earliest event time stored from this source
  last_time_us INTEGER,          -- latest event time stored from this source
  ingested_at TEXT NOT NULL      -- UTC, ISO 8601
);

-- The unified timeline: one row per timed or untimed piece of evidence.
CREATE TABLE IF NOT EXISTS events (
  event_id INTEGER PRIMARY KEY,
  time_us INTEGER,               -- UTC microseconds since 1970; NULL when the format carries no time
  host_id INTEGER REFERENCES hosts(host_id),
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  format TEXT NOT NULL,          -- parser name, as sources.format
  event_code TEXT,               -- firewall action, event id, error id, ...
  level TEXT,                    -- verbose, info, warning, error, critical
  message TEXT,                  -- one line for a person
  location INTEGER,              -- line number (text) or record id (EVTX) in the source
  byte_offset INTEGER,           -- byte offset of the line/record in the source file
  flags INTEGER NOT NULL DEFAULT 0 -- bits: 1 zone unknown (UTC assumed), 2 ambiguous local time (DST
                                   -- fall-back, earlier reading used), 4 nonexistent local time (DST gap),
                                   -- 8 a value was invalid (see the detail row), 16 out of order in its file,
                                   -- 32 year assumed (a date without a year and nothing to anchor it:
                                   -- see sources.time_basis)
);

-- pfirewall.log rows (detail of events with format 'pfirewall').
CREATE TABLE IF NOT EXISTS firewall_log (
  event_id INTEGER PRIMARY KEY REFERENCES events(event_id),
  local_time TEXT,   -- date and time as written (host-local)
  action TEXT,       -- ALLOW, DROP, INFO-EVENTS-LOST; XP: OPEN, OPEN-INBOUND, CLOSE
  protocol TEXT,     -- TCP, UDP, ICMP or a protocol number
  src_ip TEXT,
  dst_ip TEXT,
  src_port INTEGER,  -- invalid values are kept as TEXT and named in `invalid`
  dst_port INTEGER,
  size INTEGER,      -- bytes (inbound drops); 0 on ALLOW
  tcpflags TEXT,
  tcpsyn INTEGER,
  tcpack INTEGER,
  tcpwin INTEGER,
  icmptype INTEGER,
  icmpcode INTEGER,
  info TEXT,
  path TEXT,         -- SEND, RECEIVE, FORWARD, UNKNOWN
  pid INTEGER,       -- process id (newer builds only)
  lost_events INTEGER, -- INFO-EVENTS-LOST: number of events not logged
  invalid TEXT       -- comma-separated columns whose values were invalid (kept verbatim)
);

-- Firewall profile settings (netsh advfirewall show allprofiles, Get-NetFirewallProfile).
CREATE TABLE IF NOT EXISTS firewall_profiles (
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  host_id INTEGER REFERENCES hosts(host_id),
  location INTEGER,        -- line where the profile's block starts
  origin TEXT NOT NULL,    -- netsh or powershell
  profile TEXT NOT NULL,   -- Domain, Private, Public
  state TEXT,              -- on, off, not configured
  inbound_policy TEXT,     -- as written: BlockInbound, AllowInbound, Block, Allow, NotConfigured
  outbound_policy TEXT,
  log_allowed TEXT,        -- enabled, disabled, not configured
  log_dropped TEXT,        -- enabled, disabled, not configured (default: not logged)
  log_file TEXT,           -- as written, e.g. %systemroot%\system32\LogFiles\Firewall\pfirewall.log
  log_max_size_kb INTEGER
);

-- Firewall rules (netsh advfirewall firewall show rule name=all [verbose], Get-NetFirewallRule).
CREATE TABLE IF NOT EXISTS firewall_rules (
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  host_id INTEGER REFERENCES hosts(host_id),
  location INTEGER,      -- line where the rule's block starts
  origin TEXT NOT NULL,  -- netsh or powershell
  rule_id TEXT,          -- PowerShell Name (often a GUID); NULL for netsh
  name TEXT,             -- Rule Name / DisplayName (localized)
  description TEXT,
  enabled TEXT,          -- yes, no
  direction TEXT,        -- in, out
  profiles TEXT,         -- e.g. Domain,Private,Public or Any
  grouping TEXT,         -- group name or resource id such as @FirewallAPI.dll,-28502
  local_ip TEXT,
  remote_ip TEXT,
  protocol TEXT,
  local_port TEXT,       -- may hold tokens such as RPC, RPC-EPMap, IPHTTPS
  remote_port TEXT,
  edge_traversal TEXT,
  program TEXT,          -- full path, e.g. C:\Program Files\...\dpmac.exe (verbose only)
  service TEXT,
  interface_types TEXT,
  security TEXT,
  rule_source TEXT,
  action TEXT            -- allow, block, bypass
);

CREATE INDEX IF NOT EXISTS sources_sha ON sources(sha256);

-- DPM trace lines (*.errlog; detail of events with format 'dpm-errlog').
CREATE TABLE IF NOT EXISTS dpm_trace (
  event_id INTEGER PRIMARY KEY REFERENCES events(event_id),
  binary TEXT,          -- MSDPM, DPMRA, AgentBootStrapper, DPMAC, ... (from the file name)
  pid TEXT,             -- process id, hexadecimal as written
  tid TEXT,             -- thread id, hexadecimal as written
  tag TEXT,             -- the two-hex-digit field (meaning unknown)
  code_file TEXT,       -- source file of the trace call, e.g. agentbootstrapper.cpp
  code_line INTEGER,
  object TEXT,          -- object address without brackets
  task_guid TEXT,
  trace_level TEXT,     -- NORMAL, WARNING, ERROR, FATAL, CRITICAL, ... as written
  hresults TEXT,        -- comma-separated HRESULTs found in the message (0xXXXXXXXX)
  error_ids TEXT,       -- comma-separated DPM error ids found in the message
  hosts TEXT,           -- comma-separated host names found in the message
  attempt_target TEXT,  -- set when the line records an agent operation on this target
  variant TEXT          -- tab, space (pasted from a KB article), findstr (FILE: prefix), or continuation
                        -- (a line that continues the record above: its time and fields are copied)
);

-- MSI verbose log lines (detail of events with format 'msi-log').
CREATE TABLE IF NOT EXISTS msi_log (
  event_id INTEGER PRIMARY KEY REFERENCES events(event_id),
  context TEXT,         -- c (client) or s (server); NULL for lines without the MSI prefix
  process_thread TEXT,  -- "74:A8", or "74!A8" on a custom action thread
  action TEXT,          -- the action of Action start/ended lines
  return_value INTEGER, -- Action ended ... Return value N (1 success, 2 cancel, 3 failure)
  local_time TEXT       -- as written
);

-- One row per installation found in an MSI log.
CREATE TABLE IF NOT EXISTS installs (
  install_id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  host_id INTEGER REFERENCES hosts(host_id),
  start_us INTEGER,     -- UTC (local times converted with the host's zone)
  end_us INTEGER,
  product TEXT,
  version TEXT,
  result TEXT,          -- success, failure, reboot-required, cancelled, unknown
  result_code INTEGER,  -- 0, 1603, 3010, 1641, ...
  failing_action TEXT,  -- the action whose Return value was 3
  first_line INTEGER,
  last_line INTEGER,
  date_basis TEXT       -- how the header's locale date was read
);

-- Push errors copied from the DPM console or PowerShell (detail of untimed
-- events with format 'dpm-push-errors'; file order is events.location).
CREATE TABLE IF NOT EXISTS push_errors (
  event_id INTEGER PRIMARY KEY REFERENCES events(event_id),
  operation TEXT,       -- e.g. Install protection agent
  target_host TEXT,
  error_id INTEGER,     -- DPM error id, e.g. 319
  hresult TEXT,         -- 0x800706BA
  hresult_source TEXT,  -- text (written in the details) or catalog (looked up from the details text)
  details TEXT,
  recommended_action TEXT,
  form TEXT,            -- console (multi-line block) or alert ((ID NNN Details: ...))
  last_line INTEGER
);

-- Windows events from .evtx, XML, CSV and text exports (detail of events
-- with formats evtx, evt-xml, evt-csv, evt-text). The host is the Computer.
CREATE TABLE IF NOT EXISTS win_events (
  event_id INTEGER PRIMARY KEY REFERENCES events(event_id),
  provider TEXT,
  provider_guid TEXT,
  event_source_name TEXT,
  win_event_id INTEGER, -- EventID without qualifiers (events.event_code holds it as text)
  qualifiers INTEGER,
  version INTEGER,
  level INTEGER,        -- 0..5 (events.level holds the name)
  task INTEGER,
  opcode INTEGER,
  keywords TEXT,        -- hexadecimal
  record_id INTEGER,    -- EventRecordID
  filetime INTEGER,     -- TimeCreated in 100 ns ticks since 1601, full precision
  activity_id TEXT,
  related_activity_id TEXT,
  process_id INTEGER,
  thread_id INTEGER,
  channel TEXT,
  computer TEXT,
  user_sid TEXT,
  level_text TEXT,      -- rendered names, when the export carries them
  task_text TEXT,
  opcode_text TEXT,
  data_kind TEXT,       -- EventData or UserData
  recovered INTEGER NOT NULL DEFAULT 0 -- 1: EVTX record recovered from damaged or slack space
);

-- EventData / UserData name-value pairs of win_events, in document order.
-- (A rowid table: values such as PowerShell script blocks are large, and the
-- (event_id, position) index in db/indexes.sql is built after bulk loads.)
CREATE TABLE IF NOT EXISTS win_event_data (
  event_id INTEGER NOT NULL REFERENCES events(event_id),
  position INTEGER NOT NULL, -- 0-based order in the event
  name TEXT NOT NULL,        -- Data Name, or Data[n] when unnamed
  value TEXT
);

-- Units of input that could not be stored, with where and why.
CREATE TABLE IF NOT EXISTS rejected (
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  location INTEGER,      -- line number or record number
  byte_offset INTEGER,   -- byte offset in the source file
  reason TEXT NOT NULL,
  raw TEXT               -- the unit's text, first 4 KiB
);

-- Small indexes kept at all times (the large ones are in db/indexes.sql).
CREATE INDEX IF NOT EXISTS host_facts_host ON host_facts(host_id, fact);
CREATE INDEX IF NOT EXISTS rejected_source ON rejected(source_id, location);

-- Which detail table holds the extra columns of each event format.
CREATE TABLE IF NOT EXISTS formats (
  format TEXT PRIMARY KEY,
  detail_table TEXT,     -- table keyed by event_id, or NULL
  description TEXT,
  timestamp_desc TEXT    -- what an event's time means, for exports (Timesketch timestamp_desc)
);
INSERT OR REPLACE INTO formats(format, detail_table, description, timestamp_desc) VALUES
  ('pfirewall', 'firewall_log', 'Windows Firewall log (pfirewall.log)', 'Firewall Log Time'),
  ('dpm-errlog', 'dpm_trace', 'DPM trace log (*.errlog)', 'DPM Trace Time'),
  ('msi-log', 'msi_log', 'Windows Installer verbose log (msdpm*.log)', 'Installer Log Time'),
  ('dpm-push-errors', 'push_errors', 'Push errors copied from the DPM console or PowerShell', NULL),
  ('evtx', 'win_events', 'Windows event log (.evtx)', 'Event Time Created'),
  ('evt-xml', 'win_events', 'Event Viewer / wevtutil XML export', 'Event Time Created'),
  ('evt-csv', 'win_events', 'Event Viewer / Export-Csv CSV export', 'Event Time Created'),
  ('evt-text', 'win_events', 'wevtutil text export', 'Event Time Created');

-- The timeline with names and ISO 8601 times, for people and for SQL users.
CREATE VIEW IF NOT EXISTS timeline AS
SELECT e.event_id,
       CASE WHEN e.time_us IS NULL THEN NULL
            ELSE strftime('%Y-%m-%dT%H:%M:%S', e.time_us / 1000000, 'unixepoch')
                 || printf('.%06dZ', e.time_us % 1000000) END AS datetime,
       e.time_us, h.name AS host, s.path AS source_file, e.format, e.event_code, e.level,
       e.message, e.location, e.flags
FROM events e
LEFT JOIN hosts h ON h.host_id = e.host_id
JOIN sources s ON s.source_id = e.source_id;

-- Every known push attempt, from every source that records one. Console
-- errors are untimed (datetime NULL); their file order is `location`.
CREATE VIEW IF NOT EXISTS push_attempts AS
SELECT p.target_host AS target_host, NULL AS datetime, p.error_id AS error_id, p.hresult AS hresult,
       s.path AS source_file, e.location AS location, 'push-error' AS kind, e.event_id AS event_id
FROM push_errors p JOIN events e USING(event_id) JOIN sources s ON s.source_id = e.source_id
UNION ALL
SELECT d.attempt_target, strftime('%Y-%m-%dT%H:%M:%S', e.time_us / 1000000, 'unixepoch')
         || printf('.%06dZ', e.time_us % 1000000),
       CAST(substr(d.error_ids, 1, instr(d.error_ids || ',', ',') - 1) AS INTEGER),
       NULLIF(substr(d.hresults, 1, instr(d.hresults || ',', ',') - 1), ''),
       s.path, e.location, 'dpm-trace', e.event_id
FROM dpm_trace d JOIN events e USING(event_id) JOIN sources s ON s.source_id = e.source_id
WHERE d.attempt_target IS NOT NULL AND d.attempt_target <> ''
UNION ALL
SELECT h.name, strftime('%Y-%m-%dT%H:%M:%S', i.start_us / 1000000, 'unixepoch') || 'Z', NULL,
       NULL, s.path, i.first_line, 'msi-install', NULL
FROM installs i JOIN sources s ON s.source_id = i.source_id LEFT JOIN hosts h ON h.host_id = i.host_id;
