-- Snapshot cache: a projection's saved state for one user, and the part of the stream it covers. Only a cache: it
-- can be dropped at any time, and every row can be rebuilt from the events.
CREATE TABLE snapshots (
    user_uuid      uuid        NOT NULL,
    projection     text        NOT NULL,
    version        integer     NOT NULL,   -- the projection's version: a state of another version is never used
    event_schema   integer     NOT NULL,   -- the event schema version the events were folded in
    state          bytea       NOT NULL,   -- the state, as Jackson wrote it (JSON)
    -- The covered position: the last (timestamp, unique_id) folded, and the highest events.id folded. An event of
    -- the user above max_id but at or before the position arrived late, after the snapshot: it is then rebuilt.
    last_timestamp timestamptz NOT NULL,
    last_unique_id text COLLATE "C" NOT NULL,
    max_id         bigint      NOT NULL,
    event_count    bigint      NOT NULL,   -- events covered, of known types or not
    unknown_types  jsonb       NOT NULL,   -- {type: count} of the covered events this version passed over
    saved_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_uuid, projection, version)
);
