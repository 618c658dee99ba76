-- Whether a late event fell before a start, looking at the events stored since, in the feed's order: every event
-- stored after the start's read was written by a transaction at or above :since, the oldest one running then, so
-- the feed's index finds the few there usually are, whatever the user's stream holds. (Asked as one condition, the
-- planner went through the user's stream index instead, all of it.) %s: whether the event the start ends on is
-- still stored. complete: whether the walk saw every event stored since, so that "not late" is the answer: it found
-- fewer than :scan, and the server's transaction ids are not below :since (they are after a logical restore into
-- another server). Otherwise the user's stream is asked.
WITH newer AS (
    SELECT user_uuid, "timestamp", unique_id, id FROM events
    WHERE origin = 0 AND tx >= CAST(CAST(:since AS text) AS xid8)
    ORDER BY tx, id LIMIT :scan
)
SELECT count(*) FILTER (WHERE user_uuid = :user AND id > :maxId
                          AND ("timestamp", unique_id) <= (:timestamp, :uniqueId)) > 0 AS late,
       %s AS covered,
       count(*) < :scan AND pg_snapshot_xmin(pg_current_snapshot()) >= CAST(CAST(:since AS text) AS xid8)
           AS complete
FROM newer
