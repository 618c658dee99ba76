-- Whether a late event fell before a start, looking at the events stored since, in id order: the primary key finds
-- the few there usually are, whatever the user's stream holds. (Asked as one condition, the planner went through
-- the user's stream index instead, all of it.) %s: whether the event the start ends on is still stored.
WITH newer AS (
    SELECT user_uuid, "timestamp", unique_id FROM events WHERE id > :maxId ORDER BY id LIMIT :scan
)
SELECT count(*) AS newer,
       count(*) FILTER (WHERE user_uuid = :user
                          AND ("timestamp", unique_id) <= (:timestamp, :uniqueId)) > 0 AS late,
       %s AS covered
FROM newer
