-- One schema for one server and for Citus, the PostgreSQL extension that spreads tables over servers by a key: the
-- store's key is user_uuid, as every stream, every dedup key and every hot query names one user.
--
-- Citus refuses a primary key or unique constraint of a distributed table that lacks the key; the rule holds on one
-- server too, so that the schema is the same everywhere. events was the one table to break it: its primary key
-- becomes (id, user_uuid). id stays unique without the key enforcing it alone: ids come from the table's identity
-- sequence only (GENERATED ALWAYS refuses any other), and on Citus the store writes through the coordinator only,
-- which draws every id from its one sequence, so ids stay unique and increase in the order drawn, as the projector's
-- bound on "the highest id drawn" needs. (Citus gives each worker an id range of its own, for inserts sent to a
-- worker directly; the store sends none.) id comes first: the projector scans the events stored after an id and
-- looks up the event a snapshot ends on by id and user.
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id, user_uuid);

-- With Citus in the database, distributes the tables by user; without it, does nothing. Safe to run again: a table
-- distributed already is left as it is; rows already stored move to the shards.
--   events:    distributed by user_uuid, in citus.shard_count shards (Citus's setting, 32 unless set for the
--              database before this runs: ALTER DATABASE ... SET citus.shard_count = ...).
--   snapshots: distributed by user_uuid, co-located with events: a user's snapshots sit on the shard of the user's
--              events, so the save that checks the covered event is still stored stays on one node.
--   the quarantine (rejected_events, quarantine_kept, quarantine_dropped), forgotten_users, forget_key and
--   Flyway's history stay plain tables on the coordinator: no query joins them with events, they are small (the
--   quarantine is capped per source), they carry no user_uuid (an input was quarantined because it could not be
--   read; a tombstone never holds the user's id), and the quarantine's byte counts are kept by statement triggers
--   with transition tables, which Citus does not run on distributed or reference tables. As reference tables
--   they would also make every write to them a two-phase commit over all nodes, for nothing: only the
--   coordinator reads them.
-- On a coordinator without workers (Citus "single node") the shards live on the coordinator until workers are
-- added and the shards rebalanced.
CREATE FUNCTION distribute_by_user() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    setting text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    -- Two processes starting at once on a store not yet distributed: the second waits, then finds it done.
    PERFORM pg_advisory_xact_lock(hashtext('distribute_by_user'));
    -- Defaults for the store's sessions in this database, each set once; sessions opened after this get them.
    --   citus.propagate_set_commands = local: a SET LOCAL on the coordinator reaches the workers only with it, and
    --     a stream read's work_mem must apply where the user's rows are sorted, on the worker.
    --   citus.max_cached_conns_per_worker = 8: a session keeps that many connections to each worker between
    --     transactions instead of one. An append's COPY writes to several shards of a worker at once, and opening
    --     those connections again for every batch cost a third of the append rate.
    FOREACH setting IN ARRAY ARRAY['citus.propagate_set_commands=local', 'citus.max_cached_conns_per_worker=8'] LOOP
        IF NOT EXISTS (SELECT FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
                       WHERE d.datname = current_database() AND s.setrole = 0 AND setting = ANY(s.setconfig)) THEN
            BEGIN
                EXECUTE format('ALTER DATABASE %I SET %s = %s', current_database(), split_part(setting, '=', 1),
                               split_part(setting, '=', 2));
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE WARNING 'the store runs without its setting %: only the database''s owner can run '
                    'ALTER DATABASE % SET %', setting, current_database(), replace(setting, '=', ' = ');
            END;
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'events'::regclass) THEN
        -- A coordinator registered as one (citus_set_coordinator_host, as before adding workers) holds no shards:
        -- without a worker either, there would be nowhere to put them. It then holds them, as Citus's single node
        -- does; workers added later take them over when the shards are rebalanced.
        IF NOT EXISTS (SELECT FROM pg_dist_node WHERE shouldhaveshards AND isactive AND noderole = 'primary')
           AND EXISTS (SELECT FROM pg_dist_node WHERE groupid = 0) THEN
            PERFORM citus_set_node_property(nodename, nodeport, 'shouldhaveshards', true)
            FROM pg_dist_node WHERE groupid = 0;
        END IF;
        PERFORM create_distributed_table('events', 'user_uuid');
        -- The rows were copied to the shards; their local copies are unreachable and only take room.
        PERFORM truncate_local_data_after_distributing_table('events');
    END IF;
    IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'snapshots'::regclass) THEN
        PERFORM create_distributed_table('snapshots', 'user_uuid', colocate_with => 'events');
        PERFORM truncate_local_data_after_distributing_table('snapshots');
    END IF;
END
$$;

DO $$
BEGIN
    PERFORM distribute_by_user();
END
$$;
