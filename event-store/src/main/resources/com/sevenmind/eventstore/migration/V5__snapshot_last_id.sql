-- The id of the event a snapshot ends on. max_id is now the highest id drawn when the snapshot's read began (a bound
-- on the user's ids it saw), so the check that the covered events are still stored (not forgotten) needs this one.
-- Rows saved before have 0: no event has it, so they are never used, and are saved again.
ALTER TABLE snapshots ADD COLUMN last_id bigint NOT NULL DEFAULT 0;
