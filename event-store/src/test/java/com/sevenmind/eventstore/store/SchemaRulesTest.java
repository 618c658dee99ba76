package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.generic.GenericType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The schema obeys Citus's rules on every server: each primary key and unique constraint or index of a table that is
 * (or would be) distributed includes user_uuid. On the cluster (the build's second run) the tables are distributed
 * as the migration says.
 */
class SchemaRulesTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** Tables kept whole on the coordinator, never distributed: why, in the migration that distributes the others. */
    static final Set<String> COORDINATOR_LOCAL = Set.of("rejected_events", "quarantine_kept", "quarantine_dropped",
            "forgotten_users", "forget_key", "feed_epoch", "feed_subscriptions", "global_projections",
            "eventstore_schema_history");

    /** Each unique index (primary keys and unique constraints have one) of a table of {@code schema} without user_uuid. */
    private static List<String> violations(Handle h, String schema) {
        return h.createQuery("""
                        SELECT t.relname || ': ' || i.relname || ' ' || pg_get_indexdef(x.indexrelid)
                        FROM pg_index x
                        JOIN pg_class i ON i.oid = x.indexrelid
                        JOIN pg_class t ON t.oid = x.indrelid
                        JOIN pg_namespace n ON n.oid = t.relnamespace
                        WHERE x.indisunique AND n.nspname = :schema AND t.relkind IN ('r', 'p')
                          AND t.relname <> ALL(:local)
                          AND NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = t.oid
                                            AND a.attname = 'user_uuid' AND a.attnum = ANY(x.indkey))
                        ORDER BY 1""")
                .bind("schema", schema)
                .bindArray("local", String.class, COORDINATOR_LOCAL)
                .mapTo(String.class).list();
    }

    @Test
    void every_primary_key_and_unique_constraint_of_a_distributable_table_includes_user_uuid() {
        assertEquals(List.of(), db.database().jdbi().withHandle(h -> violations(h, Database.DEFAULT_SCHEMA)));
    }

    @Test
    void every_table_is_distributable_by_user_uuid_or_named_coordinator_local() {
        assertEquals(List.of(), db.database().jdbi().withHandle(h -> h.createQuery("""
                        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') AND c.relname <> ALL(:local)
                          AND NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'user_uuid')
                        ORDER BY 1""")
                .bind("schema", Database.DEFAULT_SCHEMA)
                .bindArray("local", String.class, COORDINATOR_LOCAL)
                .mapTo(String.class).list()));
    }

    @Test
    void the_check_names_a_key_without_user_uuid_and_passes_one_with_it() {
        List<String> found = db.database().jdbi().withHandle(h -> {
            h.execute("CREATE SCHEMA rules_probe");
            try {
                h.execute("CREATE TABLE rules_probe.bad (id bigint PRIMARY KEY, user_uuid uuid, u text UNIQUE)");
                h.execute("CREATE TABLE rules_probe.good (id bigint, user_uuid uuid, PRIMARY KEY (user_uuid, id))");
                return violations(h, "rules_probe");
            } finally {
                h.execute("DROP SCHEMA rules_probe CASCADE");
            }
        });
        assertEquals(List.of("bad: bad_pkey CREATE UNIQUE INDEX bad_pkey ON rules_probe.bad USING btree (id)",
                "bad: bad_u_key CREATE UNIQUE INDEX bad_u_key ON rules_probe.bad USING btree (u)"), found);
    }

    @Test
    void the_user_tables_are_distributed_by_user_uuid_and_co_located_on_citus_and_nothing_is_on_one_server() {
        Map<String, String> distributed = db.database().jdbi().withHandle(h -> db.citus() ? h.createQuery("""
                        SELECT logicalrelid::text AS t,
                               column_to_column_name(logicalrelid, partkey) || ' ' || partmethod::text
                               || ' colocated ' || (colocationid = (SELECT colocationid FROM pg_dist_partition
                                                                    WHERE logicalrelid = 'events'::regclass)) AS how
                        FROM pg_dist_partition""")
                .setMapKeyColumn("t").setMapValueColumn("how")
                .collectInto(new GenericType<Map<String, String>>() { })
                : h.createQuery("SELECT extname FROM pg_extension WHERE extname = 'citus'").mapTo(String.class)
                        .collectToMap(name -> name, name -> "installed"));
        assertEquals(db.citus()
                ? Map.of("events", "user_uuid h colocated true", "snapshots", "user_uuid h colocated true")
                : Map.of(), distributed);
    }
}
