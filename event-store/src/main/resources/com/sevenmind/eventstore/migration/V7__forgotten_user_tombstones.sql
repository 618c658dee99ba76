-- A forgotten user's re-delivered events must be refused, without the store keeping the user's id. forgotten_users
-- keeps a keyed hash of it instead: SHA-256 over this store's secret key and the id's 16 bytes. Without the key, a
-- leaked forgotten_users cannot be matched against a list of user ids; the key lives in this database only.
CREATE TABLE forget_key (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    key      bytea   NOT NULL CHECK (length(key) = 32)
);
-- gen_random_uuid() is built in from PostgreSQL 13 (pgcrypto is not everywhere) and draws from the strong random
-- source; three of them carry 366 random bits, hashed down to the key's 32 bytes.
INSERT INTO forget_key (key)
SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));

-- Rows written before have none: they refuse nothing.
ALTER TABLE forgotten_users ADD COLUMN user_hash bytea;
CREATE INDEX forgotten_users_hash ON forgotten_users (user_hash) WHERE user_hash IS NOT NULL;

CREATE FUNCTION forgotten_user_hash(user_id uuid) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(key || uuid_send(user_id)) FROM forget_key
$$;

-- An append's users' locks, and which of them are forgotten. The check is a statement of its own in a VOLATILE
-- function, so its snapshot is taken after the locks are granted: it sees a forget that committed while they were
-- awaited, which a check in the locking statement itself would not. PL/pgSQL keeps its plans between calls, and
-- without tombstones the users are not looked at.
CREATE FUNCTION lock_users_for_append(keys bigint[], users uuid[]) RETURNS uuid[] LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM count(pg_advisory_xact_lock_shared(k)) FROM unnest(keys) AS k;
    IF NOT EXISTS (SELECT FROM forgotten_users WHERE user_hash IS NOT NULL) THEN
        RETURN '{}';
    END IF;
    RETURN (SELECT coalesce(array_agg(u), '{}') FROM unnest(users) AS u
            WHERE EXISTS (SELECT FROM forgotten_users WHERE user_hash = forgotten_user_hash(u)));
END
$$;
