-- Whether the event a start ends on is still stored (a forgotten user's is not), by its key.
EXISTS (SELECT 1 FROM events WHERE user_uuid = :user AND unique_id = :uniqueId AND id = :lastId)
