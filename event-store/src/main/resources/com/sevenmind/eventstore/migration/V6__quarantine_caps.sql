-- The bytes of inputs each source keeps in the quarantine, kept up to date by the triggers below, so that its cap
-- is checked without reading the inputs again. An input is never updated, only its reason: no update trigger.
CREATE TABLE quarantine_kept (
    source text   PRIMARY KEY,
    bytes  bigint NOT NULL
);
INSERT INTO quarantine_kept (source, bytes)
SELECT source, sum(octet_length(input)) FROM rejected_events GROUP BY source;

CREATE FUNCTION quarantine_kept_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO quarantine_kept AS k (source, bytes)
    SELECT source, sum(octet_length(input)) FROM inserted GROUP BY source
    ON CONFLICT (source) DO UPDATE SET bytes = k.bytes + excluded.bytes;
    RETURN NULL;
END $$;

CREATE FUNCTION quarantine_kept_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE quarantine_kept k SET bytes = k.bytes - d.bytes
    FROM (SELECT source, sum(octet_length(input)) AS bytes FROM deleted GROUP BY source) d
    WHERE k.source = d.source;
    RETURN NULL;
END $$;

CREATE FUNCTION quarantine_kept_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM quarantine_kept;
    RETURN NULL;
END $$;

CREATE TRIGGER rejected_events_kept_add AFTER INSERT ON rejected_events
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION quarantine_kept_add();
CREATE TRIGGER rejected_events_kept_remove AFTER DELETE ON rejected_events
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION quarantine_kept_remove();
CREATE TRIGGER rejected_events_kept_clear AFTER TRUNCATE ON rejected_events
    FOR EACH STATEMENT EXECUTE FUNCTION quarantine_kept_clear();

-- Inputs not kept, per source: the source was over its cap, or (HTTP without a token) over its rate. Counted so
-- that what was lost shows (rejected prints it), never the inputs themselves.
CREATE TABLE quarantine_dropped (
    source          text        PRIMARY KEY,
    inputs          bigint      NOT NULL,
    bytes           bigint      NOT NULL,
    last_dropped_at timestamptz NOT NULL
);
