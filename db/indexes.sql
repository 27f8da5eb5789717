-- Secondary indexes. Dropped before a bulk ingest and rebuilt after it
-- (db/case_db.cpp); a case whose ingest was killed rebuilds them on the
-- next ingest. Every statement must be CREATE INDEX IF NOT EXISTS. Untimed events
-- are read in rowid order, which is file order within a source.
CREATE INDEX IF NOT EXISTS events_host_time ON events(host_id, time_us);
CREATE INDEX IF NOT EXISTS events_time ON events(time_us);
CREATE INDEX IF NOT EXISTS win_event_data_event ON win_event_data(event_id, position);
