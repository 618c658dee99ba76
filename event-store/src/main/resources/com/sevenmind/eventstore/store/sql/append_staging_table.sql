-- The staging path: a batch is copied into this temporary table (COPY: no per-row parsing of array literals, no
-- WAL), then moved with one INSERT (append_from_staging).
CREATE TEMP TABLE IF NOT EXISTS append_staging (
    user_uuid uuid, unique_id text COLLATE "C", event_type text, schema_version smallint,
    "timestamp" timestamptz, payload jsonb, received_at timestamptz, metadata jsonb
) ON COMMIT DELETE ROWS
