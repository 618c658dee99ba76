-- Whether an event of the user stored since a start's read falls before its position: a late one. Through the
-- user's stream: for when many events were stored since, and on Citus, where it goes to the user's shard only.
EXISTS (SELECT 1 FROM events WHERE user_uuid = :user AND id > :maxId
          AND ("timestamp", unique_id) <= (:timestamp, :uniqueId))
