package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a store comes to be distributed on Citus: one that already holds events, one migrated before Citus was added
 * to its database, and one on a coordinator without workers (Citus "single node"). Runs on the Citus cluster only.
 */
class DistributeCitusTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");
    private static final UUID USER = UUID.fromString("5a0d3f5e-2c1b-4e7a-9f00-6b1e2d3c4a59");

    private final CitusCluster cluster = CitusCluster.get();
    private final String name = "distribute_" + COUNTER.incrementAndGet();

    @AfterEach
    void drop() {
        cluster.dropDatabase(name);
    }

    private String url() {
        return cluster.jdbcUrl(0, name);
    }

    /** For a query of the store's tables by their plain names. */
    private String storeUrl() {
        return url() + "&currentSchema=" + Database.DEFAULT_SCHEMA;
    }

    /** Events of three users stored by the schema before this store knew of Citus: plain tables. */
    private void storeBeforeDistribution() {
        Database.migrations(url(), null, null, Database.DEFAULT_SCHEMA).target("8").load().migrate();
        String payload = new EventCodec(Json.newObjectMapper()).payload(TestEvents.started(USER, "e", AT));
        Jdbi.create(storeUrl()).useHandle(h -> h.execute("""
                INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
                SELECT u, 'e' || i, 'ContentPieceStarted', ?, CAST(? AS timestamptz) + i * interval '1 s', ?::jsonb
                FROM unnest(ARRAY[?::uuid, gen_random_uuid(), gen_random_uuid()]) AS u, generate_series(1, 3) AS i""",
                EventCodec.CURRENT_SCHEMA_VERSION, AT.atOffset(java.time.ZoneOffset.UTC), payload, USER));
    }

    /** Where the events' shards are, by port, and whether the tables are distributed, after opening the store. */
    private String placement() {
        return Jdbi.create(storeUrl()).withHandle(h -> h.createQuery("""
                        SELECT string_agg(DISTINCT table_name::text || '@' || nodeport, ' ' ORDER BY table_name::text || '@' || nodeport)
                        FROM citus_shards""").mapTo(String.class).one());
    }

    private List<String> stream(Database database) {
        List<String> ids = new ArrayList<>();
        database.eventStore(new EventCodec(Json.newObjectMapper())).stream(USER, (RecordedEvent e) -> ids.add(e.uniqueId()));
        return ids;
    }

    private String expectedPlacement(int... ports) {
        List<String> parts = new ArrayList<>();
        for (String table : List.of("events", "snapshots")) {
            for (int port : ports) {
                parts.add(table + "@" + port);
            }
        }
        return String.join(" ", parts);
    }

    @Test
    void a_store_that_holds_events_is_distributed_by_the_migration_and_its_events_move_to_the_workers() {
        cluster.createDatabase(name);
        storeBeforeDistribution();

        try (Database database = Database.connect(url(), null, null)) {
            assertEquals(List.of("e1", "e2", "e3"), stream(database));
            assertEquals(9, database.eventStore(new EventCodec(Json.newObjectMapper())).count());
        }
        int port = cluster.coordinatorPort();
        assertEquals(expectedPlacement(port + 1, port + 2), placement());
    }

    @Test
    void a_store_migrated_before_citus_was_added_is_distributed_on_its_next_start_and_again_is_a_no_op() {
        cluster.createPlainDatabase(name);
        storeBeforeDistribution();
        Database.connect(url(), null, null).close();
        cluster.addCitus(name, CitusCluster.WORKERS);

        for (int start = 0; start < 2; start++) {
            try (Database database = Database.connect(url(), null, null)) {
                assertEquals(List.of("e1", "e2", "e3"), stream(database));
            }
        }
        int port = cluster.coordinatorPort();
        assertEquals(expectedPlacement(port + 1, port + 2), placement());
    }

    /** As a stream read sets them, and as a read from the snapshots does, with its isolation. */
    @Test
    void a_stream_reads_settings_reach_the_worker_that_sorts_the_users_rows() {
        cluster.createDatabase(name);
        try (Database database = Database.connect(url(), null, null)) {
            database.eventStore(new EventCodec(Json.newObjectMapper())).append(TestEvents.started(USER, "a", AT));
            for (String settings : List.of(EventStore.STREAM_SETTINGS, ResumingFold.READ_SETTINGS)) {
                String workMem = database.jdbi().inTransaction(tx -> {
                    tx.execute(settings);
                    // Evaluated where the row is: on the worker.
                    return tx.createQuery("SELECT current_setting('work_mem') FROM events WHERE user_uuid = :user")
                            .bind("user", USER).mapTo(String.class).one();
                });
                assertEquals("64MB", workMem, settings);
            }
        }
    }

    @Test
    void a_session_keeps_its_connections_to_the_workers_between_transactions() {
        cluster.createDatabase(name);
        try (Database database = Database.connect(url(), null, null)) {
            assertEquals("8", database.jdbi().withHandle(h -> h.createQuery(
                    "SELECT current_setting('citus.max_cached_conns_per_worker')").mapTo(String.class).one()));
        }
    }

    /**
     * Citus's single node: the extension alone, or with the coordinator registered (as before adding workers), where
     * it holds no shards until the migration has it hold them, there being no other node.
     */
    @ParameterizedTest(name = "coordinator registered: {0}")
    @ValueSource(booleans = {false, true})
    void a_coordinator_without_workers_keeps_the_shards_itself(boolean registered) {
        cluster.createPlainDatabase(name);
        cluster.addCitus(name, registered ? 0 : -1);

        try (Database database = Database.connect(url(), null, null)) {
            EventStore store = database.eventStore(new EventCodec(Json.newObjectMapper()));
            List<Event> batch = List.of(TestEvents.started(USER, "b", AT.plusSeconds(1)), TestEvents.started(USER, "a", AT));
            assertEquals(new AppendResult(2, 0, 0), store.append(batch));
            assertEquals(new AppendResult(0, 2, 0), store.append(batch));
            assertEquals(List.of("a", "b"), stream(database));
        }
        assertEquals(expectedPlacement(cluster.coordinatorPort()), placement());
    }
}
