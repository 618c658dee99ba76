-- An event's key is (user_uuid, unique_id), the key it is deduplicated by: it becomes the primary key, and the index
-- on (id, user_uuid) goes. Every index costs every append, and the feed's index on (origin, tx, id) (V11, V12) had
-- made appends about a tenth slower; with this one gone the table has three indexes again, as before the feed.
-- id stays unique without an index: ids come from the table's identity sequence only (GENERATED ALWAYS, see V9).
--
-- What read through id now reads otherwise:
--   - the late-event check scanned the events stored after a snapshot's read in id order. It scans the feed's index
--     instead, from the oldest transaction running when that read took its view (since_tx, below): every event
--     stored after the read was written by a transaction at or above it (LateCheck).
--   - the check that a snapshot's last event is still stored looks it up by its key.
--   - migrate-events walks the table by its key.
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events DROP CONSTRAINT events_user_unique_id;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (user_uuid, unique_id);

-- The oldest transaction running when the read a snapshot was folded in took its view (pg_snapshot_xmin), as a
-- number. Rows saved before have 0: their check scans from the first event, finds more than it looks at, and asks
-- the user's stream instead, until they are saved again.
ALTER TABLE snapshots ADD COLUMN since_tx bigint NOT NULL DEFAULT 0;
