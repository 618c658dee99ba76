-- A batch of the group commit in one statement, committed on its own: one round trip, where a transaction of
-- savepoint, locks, COPY and commit took five. The users' locks (and the forgotten ones among them, whose events are
-- dropped) are an InitPlan of the INSERT's rows, so they are taken before any id is drawn. Rows go in key order, as
-- append_from_staging's. The live feed is notified only when a row was stored. The keys stored say which events
-- were new; the others (duplicates, conflicts, forgotten users) take EventStore's append.
WITH stored AS (
    INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload, received_at,
                        metadata)
    SELECT b.user_uuid, b.unique_id, b.event_type, b.schema_version, b."timestamp", b.payload, b.received_at,
           b.metadata
    FROM unnest(CAST(:users AS uuid[]), CAST(:ids AS text[]), CAST(:types AS text[]),
                CAST(:versions AS smallint[]), CAST(:timestamps AS timestamptz[]), CAST(:payloads AS jsonb[]),
                CAST(:received AS timestamptz[]), CAST(:metadata AS jsonb[]))
         WITH ORDINALITY AS b(user_uuid, unique_id, event_type, schema_version, "timestamp", payload, received_at,
                              metadata, n)
    WHERE b.user_uuid <> ALL(CAST((SELECT lock_users_for_append(:keys, CAST(:lockUsers AS uuid[]))) AS uuid[]))
    ORDER BY b.n
    ON CONFLICT (user_uuid, unique_id) DO NOTHING
    RETURNING user_uuid, unique_id
)
SELECT s.user_uuid, s.unique_id, (SELECT count(pg_notify(:channel, p)) FROM unnest(:notifications) AS p)
FROM stored s
