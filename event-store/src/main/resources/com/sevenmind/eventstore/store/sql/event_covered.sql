-- Whether the event a start ends on is still stored (a forgotten user's is not).
EXISTS (SELECT 1 FROM events WHERE id = :lastId AND user_uuid = :user)
