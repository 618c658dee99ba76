-- On Citus only, after every migrate (a store distributed later gets it on its next start): each shard of events
-- stamps the rows it receives with the worker's own transaction id and the worker's system identifier (V12, Feed).
-- Citus refuses triggers on distributed tables unless citus.enable_unsafe_triggers is on while they are created:
-- this one only sets two columns of its own row, which is safe. The node is looked up once per session.
DO $$
BEGIN
    -- Two steps: without Citus, pg_dist_partition does not exist and the second would not even be planned.
    IF to_regclass('events') IS NULL OR NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'events'::regclass) THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'events'::regclass AND tgname = 'events_feed_stamp') THEN
        CREATE FUNCTION feed_stamp() RETURNS trigger LANGUAGE plpgsql AS $f$
        DECLARE
            node text := current_setting('eventstore.feed_node', true);
        BEGIN
            IF node IS NULL OR node = '' THEN
                SELECT system_identifier::text INTO node FROM pg_control_system();
                PERFORM set_config('eventstore.feed_node', node, false);
            END IF;
            NEW.origin := node::bigint;
            NEW.tx := pg_current_xact_id();
            RETURN NEW;
        END
        $f$;
        PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
        CREATE TRIGGER events_feed_stamp BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION feed_stamp();
    END IF;
END
$$;
