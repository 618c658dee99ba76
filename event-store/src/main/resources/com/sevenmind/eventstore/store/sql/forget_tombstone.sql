-- The tombstone of a forgotten user: what was deleted, and the user's hash (never the id), which appends check.
INSERT INTO forgotten_users (events_deleted, rejected_deleted, user_hash)
VALUES (:e, :r, forgotten_user_hash(:user))
