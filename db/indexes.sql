-- Secondary indexes. Dropped before a bulk ingest and rebuilt after it
-- (db/case_db.cpp); a case whose ingest was killed rebuilds them on the
-- next ingest. Every statement must be CREATE INDEX IF NOT EXISTS.
CREATE INDEX IF NOT EXISTS events_host_time ON events(host_id, time_us);
CREATE INDEX IF NOT EXISTS events_time ON events(time_us);
CREATE INDEX IF NOT EXISTS events_source ON events(source_id, location);
CREATE INDEX IF NOT EXISTS host_facts_host ON host_facts(host_id, fact);
CREATE INDEX IF NOT EXISTS rejected_source ON rejected(source_id, location);
