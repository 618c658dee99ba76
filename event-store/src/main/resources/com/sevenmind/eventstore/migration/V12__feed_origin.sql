-- The node whose transaction id a row's tx is (see Feed, CitusFeed and docs/feed.md). On one server every row is
-- the server's own, 0. On Citus a multi-shard commit is two-phase, and COMMIT PREPARED reaches the workers after the
-- coordinator has committed: the coordinator's transaction ids (which COPY and INSERT ... VALUES evaluate as the
-- column's default) cannot tell a reader whether a worker's rows are final. There each shard's trigger
-- (afterMigrate__feed_on_citus.sql) stamps the worker's own transaction id and its server's system identifier here,
-- and the feed reads each node below that node's own horizon. A shard moved to another worker keeps its rows' origin,
-- so they stay in the stream of the node whose ids they carry.
ALTER TABLE events ADD COLUMN origin bigint NOT NULL DEFAULT 0;
DROP INDEX events_feed;
CREATE INDEX events_feed ON events (origin, tx, id);
