-- The fast path of a small batch on Citus, after the users' locks: a plain multi-row INSERT, which the coordinator
-- sends to the shards it touches over a connection or two a worker. A COPY of the same rows opens a connection to
-- every shard placement it writes, and each of them takes part in the two-phase commit; an INSERT … SELECT locks the
-- shards it writes until it commits. %1$s: CopyText's column list; %2$s: a row of VALUES_ROW's placeholders for each
-- event, comma-separated.
INSERT INTO events %1$s VALUES %2$s
