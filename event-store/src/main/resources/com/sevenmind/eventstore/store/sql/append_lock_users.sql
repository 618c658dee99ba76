-- The users' advisory locks, taken before any id is drawn: a read of the snapshot cache waits for the appends of
-- its user in flight, and a forget of one of them waits for the append or the append sees its tombstone. Its value:
-- the forgotten ones among :users, whose events are dropped.
SELECT lock_users_for_append(?, CAST(? AS uuid[]))
