-- A case written by pushmortem with case schema 1 (before the DPM and Windows event
-- tables), as 'sqlite3 CASE .dump' printed it, plus its user_version. tests/db/case_db_test.cpp
-- loads it and checks that opening it migrates it to the current schema with its rows intact.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE hosts (
  host_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE, -- display name: the first name it was known by
  fqdn TEXT COLLATE NOCASE,                 -- fully qualified name, e.g. fs01.contoso.com
  netbios TEXT COLLATE NOCASE,              -- NetBIOS / short name, e.g. FS01
  domain TEXT COLLATE NOCASE,               -- DNS domain, e.g. contoso.com
  os_name TEXT,                             -- e.g. Microsoft Windows Server 2012 R2 Standard
  os_version TEXT,                          -- e.g. 6.3.9600 N/A Build 9600
  time_zone TEXT,                           -- IANA zone id used for its local-time sources
  time_zone_source TEXT                     -- where the zone came from, e.g. "systeminfo fs01/systeminfo.txt:25"
);
INSERT INTO hosts VALUES(1,'FS01',NULL,'FS01',NULL,NULL,NULL,NULL,NULL);
CREATE TABLE host_aliases (
  alias TEXT NOT NULL COLLATE NOCASE PRIMARY KEY, -- the name or address
  host_id INTEGER NOT NULL REFERENCES hosts(host_id),
  kind TEXT NOT NULL,                             -- netbios, fqdn, ip, name
  source_id INTEGER REFERENCES sources(source_id) -- who said so; NULL for --host
);
INSERT INTO host_aliases VALUES('FS01',1,'netbios',NULL);
CREATE TABLE host_facts (
  host_id INTEGER REFERENCES hosts(host_id), -- NULL when the source named no host
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  location INTEGER,   -- line in the source
  fact TEXT NOT NULL, -- host_name, domain, fqdn, os_name, os_version, time_zone, ip_address, boot_time, ...
  value TEXT NOT NULL
);
CREATE TABLE sources (
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
  first_time_us INTEGER,         -- earliest event time stored from this source
  last_time_us INTEGER,          -- latest event time stored from this source
  ingested_at TEXT NOT NULL      -- UTC, ISO 8601
);
INSERT INTO sources VALUES(1,'/work/main/testdata/bundles/kb2981833/fs01.contoso.com/pfirewall.log','pfirewall.log',NULL,'23d65341b6f8fd1f9ddbf16e7efab061a4106c1272575798411480edac9bd7cd',1086,'ingested',NULL,'pfirewall',95,'W3C header ''#Software: Microsoft Windows Firewall''','UTF-8',1,'--host FS01','America/New_York','--tz Eastern Standard Time','line',15,10,0,5,1710266282000000,1710268809000000,'2026-11-24T23:06:04Z');
CREATE TABLE events (
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
                                   -- 8 a value was invalid (see the detail row), 16 out of order in its file
);
INSERT INTO events VALUES(1,1710266282000000,1,1,'pfirewall','ALLOW','info','ALLOW UDP 10.0.0.21:61234 -> 10.0.0.2:53 SEND pid 1220',6,212,0);
INSERT INTO events VALUES(2,1710266320000000,1,1,'pfirewall','ALLOW','info','ALLOW TCP 10.0.0.21:49811 -> 10.0.0.2:389 SEND pid 704',7,297,0);
INSERT INTO events VALUES(3,1710266711000000,1,1,'pfirewall','ALLOW','info','ALLOW TCP 10.0.0.10:50112 -> 10.0.0.21:445 RECEIVE pid 4',8,382,0);
INSERT INTO events VALUES(4,1710266712000000,1,1,'pfirewall','ALLOW','info','ALLOW TCP 10.0.0.10:50113 -> 10.0.0.21:135 RECEIVE pid 880',9,469,0);
INSERT INTO events VALUES(5,1710266712000000,1,1,'pfirewall','ALLOW','info','ALLOW TCP 10.0.0.10:50114 -> 10.0.0.21:49154 RECEIVE pid 620',10,558,0);
INSERT INTO events VALUES(6,1710266714000000,1,1,'pfirewall','ALLOW','info','ALLOW TCP 10.0.0.10:50115 -> 10.0.0.21:445 RECEIVE pid 4',11,649,0);
INSERT INTO events VALUES(7,1710267700000000,1,1,'pfirewall','ALLOW','info','ALLOW TCP 10.0.0.10:50240 -> 10.0.0.21:445 RECEIVE pid 4',12,736,0);
INSERT INTO events VALUES(8,1710267701000000,1,1,'pfirewall','ALLOW','info','ALLOW TCP 10.0.0.10:50241 -> 10.0.0.21:135 RECEIVE pid 880',13,823,0);
INSERT INTO events VALUES(9,1710267722000000,1,1,'pfirewall','ALLOW','info','ALLOW UDP 10.0.0.21:61301 -> 10.0.0.2:53 SEND pid 1220',14,912,0);
INSERT INTO events VALUES(10,1710268809000000,1,1,'pfirewall','ALLOW','info','ALLOW TCP 10.0.0.10:50388 -> 10.0.0.21:135 RECEIVE pid 880',15,997,0);
CREATE TABLE firewall_log (
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
INSERT INTO firewall_log VALUES(1,'2024-03-12 13:58:02','ALLOW','UDP','10.0.0.21','10.0.0.2',61234,53,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'SEND',1220,NULL,NULL);
INSERT INTO firewall_log VALUES(2,'2024-03-12 13:58:40','ALLOW','TCP','10.0.0.21','10.0.0.2',49811,389,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'SEND',704,NULL,NULL);
INSERT INTO firewall_log VALUES(3,'2024-03-12 14:05:11','ALLOW','TCP','10.0.0.10','10.0.0.21',50112,445,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'RECEIVE',4,NULL,NULL);
INSERT INTO firewall_log VALUES(4,'2024-03-12 14:05:12','ALLOW','TCP','10.0.0.10','10.0.0.21',50113,135,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'RECEIVE',880,NULL,NULL);
INSERT INTO firewall_log VALUES(5,'2024-03-12 14:05:12','ALLOW','TCP','10.0.0.10','10.0.0.21',50114,49154,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'RECEIVE',620,NULL,NULL);
INSERT INTO firewall_log VALUES(6,'2024-03-12 14:05:14','ALLOW','TCP','10.0.0.10','10.0.0.21',50115,445,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'RECEIVE',4,NULL,NULL);
INSERT INTO firewall_log VALUES(7,'2024-03-12 14:21:40','ALLOW','TCP','10.0.0.10','10.0.0.21',50240,445,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'RECEIVE',4,NULL,NULL);
INSERT INTO firewall_log VALUES(8,'2024-03-12 14:21:41','ALLOW','TCP','10.0.0.10','10.0.0.21',50241,135,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'RECEIVE',880,NULL,NULL);
INSERT INTO firewall_log VALUES(9,'2024-03-12 14:22:02','ALLOW','UDP','10.0.0.21','10.0.0.2',61301,53,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'SEND',1220,NULL,NULL);
INSERT INTO firewall_log VALUES(10,'2024-03-12 14:40:09','ALLOW','TCP','10.0.0.10','10.0.0.21',50388,135,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'RECEIVE',880,NULL,NULL);
CREATE TABLE firewall_profiles (
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
CREATE TABLE firewall_rules (
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
CREATE TABLE rejected (
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  location INTEGER,      -- line number or record number
  byte_offset INTEGER,   -- byte offset in the source file
  reason TEXT NOT NULL,
  raw TEXT               -- the unit's text, first 4 KiB
);
CREATE TABLE formats (
  format TEXT PRIMARY KEY,
  detail_table TEXT,     -- table keyed by event_id, or NULL
  description TEXT
);
INSERT INTO formats VALUES('pfirewall','firewall_log','Windows Firewall log (pfirewall.log)');
CREATE INDEX sources_sha ON sources(sha256);
CREATE INDEX host_facts_host ON host_facts(host_id, fact);
CREATE INDEX rejected_source ON rejected(source_id, location);
CREATE VIEW timeline AS
SELECT e.event_id,
       CASE WHEN e.time_us IS NULL THEN NULL
            ELSE strftime('%Y-%m-%dT%H:%M:%S', e.time_us / 1000000, 'unixepoch')
                 || printf('.%06dZ', e.time_us % 1000000) END AS datetime,
       e.time_us, h.name AS host, s.path AS source_file, e.format, e.event_code, e.level,
       e.message, e.location, e.flags
FROM events e
LEFT JOIN hosts h ON h.host_id = e.host_id
JOIN sources s ON s.source_id = e.source_id;
CREATE INDEX events_host_time ON events(host_id, time_us);
CREATE INDEX events_time ON events(time_us);
PRAGMA user_version = 1;
COMMIT;
