-- A small batch (pushes sharing a commit), in one statement that commits on its own: one round trip. The users'
-- locks and the check for forgotten ones are the InitPlan of the filter, so they run before any row is inserted,
-- and lock_users_for_append's check takes its snapshot after the locks are granted. The rows come sorted by the
-- unique key, so concurrent appenders take the index locks in one order. %1$s: CopyText's column list; %2$s: a
-- row of VALUES_ROW's placeholders for each event, comma-separated.
INSERT INTO events %1$s
SELECT * FROM (VALUES %2$s) AS v %1$s
WHERE v.user_uuid <> ALL(CAST((SELECT lock_users_for_append(?, CAST(? AS uuid[])))
                              AS uuid[]))
ON CONFLICT (user_uuid, unique_id) DO NOTHING
RETURNING user_uuid, unique_id
