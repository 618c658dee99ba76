-- The fast path's one round trip before its COPY: the users' locks and the forgotten ones among them, as
-- append_lock_users, and the live feed's notifications, sent only if the savepoint the path runs under commits.
SELECT lock_users_for_append(:keys, CAST(:users AS uuid[])),
       (SELECT count(pg_notify(:channel, p)) FROM unnest(:payloads) AS p)
