-- Quarantine: every input the store could not accept, kept as it came, so nothing is lost and it can be retried.
CREATE TABLE rejected_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       text        NOT NULL,            -- a file, stdin, or an HTTP endpoint
    line         bigint,                          -- the line in a file; null for HTTP
    input_format text        NOT NULL,            -- native, rudderstack or pubsub: how to read it again
    input        text        NOT NULL,            -- verbatim (an oversize input: its beginning)
    reason       text        NOT NULL,            -- 'conflict', or why it could not be read
    rejected_at  timestamptz NOT NULL DEFAULT now()
);
-- The same input from the same place is kept once: an import run again after a crash adds nothing twice.
CREATE UNIQUE INDEX rejected_events_once ON rejected_events (source, coalesce(line, 0), md5(input));
CREATE INDEX rejected_events_time ON rejected_events (rejected_at);

-- Audit of privacy deletions: when, and how much, never whose.
CREATE TABLE forgotten_users (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    forgotten_at     timestamptz NOT NULL DEFAULT now(),
    events_deleted   bigint      NOT NULL,
    rejected_deleted bigint      NOT NULL
);
