-- The global feed: every stored event once, in a stable order, to readers that resume from a position (Feed, see
-- docs/feed.md). Ids cannot order it: an id is drawn before its transaction commits, so a reader that has seen id
-- 105 committed may later see 104 commit, and a checkpoint at 105 would skip 104 forever. Instead each row keeps the
-- id of the transaction that wrote it, and a reader takes only rows of transactions below the oldest one still
-- running (pg_snapshot_xmin of its statement's snapshot): every one of those has committed or rolled back, so nothing
-- can appear below the reader's position later. Ordered by (tx, id); writers take no lock for it.
--
-- Adding a column with a volatile default rewrites the table once; rows stored before get this migration's
-- transaction id, and so come first, in id order.
ALTER TABLE events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX events_feed ON events (tx, id);

-- A forget reaches the feed's readers as its tombstone, in the same order: a reader learns that a user was forgotten
-- without the store handing out the user's id. A forget's transaction writes no events, nor an append's tombstones,
-- so (tx, id) never names an event and a tombstone at once.
ALTER TABLE forgotten_users ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX forgotten_users_feed ON forgotten_users (tx, id);

-- A logical dump and restore starts the server's transaction ids again from a low number, while the restored rows
-- keep theirs: positions taken before would then skip what is written after. Every position carries this epoch;
-- after such a restore, `UPDATE events SET tx = '0'; UPDATE forgotten_users SET tx = '0';` and a bump of the epoch
-- make the old positions refused (their readers start again) instead of silently wrong. One row without a user: a
-- plain table on a Citus coordinator, as forget_key is.
CREATE TABLE feed_epoch (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch    integer NOT NULL
);
INSERT INTO feed_epoch (epoch) VALUES (1);

-- Durable subscriptions: a named reader's position, saved in the same transaction as what it did with the entries
-- up to there, so that each is applied once. One reader at a time per name holds an advisory lock (FeedSubscription).
-- A global projection is such a subscription (named global:NAME) whose effect is its state, saved here in the
-- transaction that moves its position. Neither table has a user: plain tables on a Citus coordinator.
CREATE TABLE feed_subscriptions (
    name       text PRIMARY KEY,
    position   text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE global_projections (
    name       text PRIMARY KEY,
    version    integer     NOT NULL,   -- the projection's version(): a state of another is rebuilt
    state      jsonb       NOT NULL,
    -- The last forget the state reflects: its fold began after that forget committed. A later one rebuilds it.
    forgotten  text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
