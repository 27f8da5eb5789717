-- Case schema 1 -> 2: DPM evidence and Windows events (issues #3, #4).
-- Only changes to existing tables are here; new tables, views and indexes
-- come from db/schema.sql, which runs again after every migration.
ALTER TABLE hosts ADD COLUMN dpm_role TEXT;
ALTER TABLE hosts ADD COLUMN dpm_version TEXT;
ALTER TABLE hosts ADD COLUMN agent_coordinator_path TEXT;
ALTER TABLE sources ADD COLUMN time_basis TEXT;
ALTER TABLE sources ADD COLUMN notes TEXT;
ALTER TABLE formats ADD COLUMN timestamp_desc TEXT;
