-- One append-only table: the metadata the store works with in columns, the rest of the event in jsonb.
CREATE TABLE events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- arrival position, never a stream order
    user_uuid      uuid        NOT NULL,
    -- "C" collation: byte order, so the stream's tie-break does not depend on the server's locale.
    unique_id      text COLLATE "C" NOT NULL,
    event_type     text        NOT NULL,
    schema_version smallint    NOT NULL,
    "timestamp"    timestamptz NOT NULL,                             -- when it happened
    recorded_at    timestamptz NOT NULL DEFAULT now(),               -- when the store received it
    payload        jsonb       NOT NULL,
    -- Dedup includes the stream key so the table can later be partitioned or distributed by user_uuid.
    CONSTRAINT events_user_unique_id UNIQUE (user_uuid, unique_id)
);

-- The user stream: WHERE user_uuid = ? ORDER BY "timestamp", unique_id.
CREATE INDEX events_user_stream ON events (user_uuid, "timestamp", unique_id);
