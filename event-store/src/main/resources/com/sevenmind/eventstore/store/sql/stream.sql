-- A user's stream in event-time order. The first %s: the optional columns (payload, received_at); the second: the
-- optional conditions (as of a time of knowledge, after a position).
SELECT id, unique_id, event_type, schema_version, "timestamp", recorded_at%s
FROM events
WHERE user_uuid = :user%s
ORDER BY "timestamp", unique_id
