-- Rows are sorted by the unique key, so concurrent appenders of overlapping batches take the index locks in the
-- same order and wait for each other instead of deadlocking. A forgotten user's events are dropped; the keys
-- stored say which events were new.
INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload, received_at,
                    metadata)
SELECT user_uuid, unique_id, event_type, schema_version, "timestamp", payload, received_at, metadata
FROM append_staging
WHERE user_uuid <> ALL(CAST(:forgotten AS uuid[]))
ORDER BY user_uuid, unique_id
ON CONFLICT (user_uuid, unique_id) DO NOTHING
RETURNING user_uuid, unique_id
