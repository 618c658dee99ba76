package com.sevenmind.eventstore.store;

import static com.sevenmind.eventstore.store.TestEvents.completed;
import static com.sevenmind.eventstore.store.TestEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.store.Projector.Result;
import com.sevenmind.eventstore.store.Projector.Source;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A store made before the store had a schema of its own (its tables and Flyway's {@code flyway_schema_history} in
 * {@code public}) is moved into its schema on the first start, and keeps its events, snapshots and history. On the
 * build's Citus run the old store is a distributed one.
 */
class OldLayoutTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
    private static final List<Projection<?>> ORDER = List.of(new ProjectorTest.Order(1));
    private static final String EVENTS = """
            SELECT string_agg(concat_ws(' ', id, user_uuid, unique_id, event_type, "timestamp", payload), E'\\n'
                              ORDER BY id) FROM %s.events""";
    private static final String SNAPSHOTS = """
            SELECT string_agg(concat_ws(' ', user_uuid, projection, version, encode(state, 'hex'), last_unique_id,
                                        max_id, last_id), E'\\n' ORDER BY user_uuid) FROM %s.snapshots""";
    private static final String HISTORY = """
            SELECT string_agg(concat_ws(' ', installed_rank, version, script, checksum, success), E'\\n'
                              ORDER BY installed_rank) FROM %s.%s""";

    private final boolean citus = "citus".equals(System.getProperty("eventstore.test.server"));
    private final String name = "old_layout_" + COUNTER.incrementAndGet();
    private final EventCodec codec = new EventCodec(Json.newObjectMapper());
    private final ObjectMapper mapper = Json.newObjectMapper();
    private final UUID user = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();
    private String url;

    @BeforeEach
    void createDatabase() {
        if (citus) {
            CitusCluster.get().createDatabase(name);
            url = CitusCluster.get().jdbcUrl(0, name);
        } else {
            admin("CREATE DATABASE " + name);
            url = TestDatabase.server().getJdbcUrl("postgres", name);
        }
    }

    @AfterEach
    void dropDatabase() {
        if (citus) {
            CitusCluster.get().dropDatabase(name);
        } else {
            admin("DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    @Test
    void the_old_store_moves_into_its_schema_with_its_events_snapshots_and_history_once() {
        Jdbi old = oldStore();
        Result before = project(new Projector(new EventStore(old, codec, "old"), oldSnapshots(old), 1, 0));
        String events = one(old, EVENTS.formatted("public"));
        String snapshots = one(old, SNAPSHOTS.formatted("public"));
        String history = one(old, HISTORY.formatted("public", "flyway_schema_history"));

        try (Database db = Database.connect(url, null, null)) {
            Jdbi moved = db.jdbi();
            assertEquals(events, one(moved, EVENTS.formatted("eventstore")));
            assertEquals(snapshots, one(moved, SNAPSHOTS.formatted("eventstore")));
            assertEquals(history, one(moved, HISTORY.formatted("eventstore", "eventstore_schema_history")));
            assertEquals("", one(moved, """
                    SELECT coalesce(string_agg(relname, ' '), '') FROM pg_class
                    WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'S')"""),
                    "no table or sequence of the store is left in public (Citus keeps views there)");

            Result after = project(db.projector(codec, mapper));
            assertEquals(Source.RESUMED, after.source(), "from the moved snapshot");
            assertEquals(before.views(), after.views());
            assertEquals(List.of("a", "b"), after.views().get("order"));

            db.eventStore(codec).append(started(user, "c", T.plusSeconds(120)));
            assertEquals("4", one(moved, "SELECT max(id)::text FROM events"), "the id sequence went along");
            events = one(moved, EVENTS.formatted("eventstore"));
        }
        try (Database again = Database.connect(url, null, null)) {
            assertEquals(events, one(again.jdbi(), EVENTS.formatted("eventstore")), "moved once");
            assertEquals(history, one(again.jdbi(), HISTORY.formatted("eventstore", "eventstore_schema_history")));
        }
    }

    @Test
    void a_store_opened_in_another_schema_starts_empty_and_leaves_the_old_one_alone() {
        Jdbi old = oldStore();
        String events = one(old, EVENTS.formatted("public"));

        try (Database db = Database.builder(url, null, null).schema("elsewhere").open()) {
            assertEquals(0, db.eventStore(codec).count());
        }
        assertEquals(events, one(old, EVENTS.formatted("public")));
        assertEquals("flyway_schema_history", one(old, "SELECT to_regclass('public.flyway_schema_history')::text"));
    }

    /** A store as the old layout made it: Flyway's default schema and history table, with events of two users. */
    private Jdbi oldStore() {
        Flyway.configure().dataSource(url, null, null).locations("classpath:com/sevenmind/eventstore/migration")
                .load().migrate();
        Jdbi old = Jdbi.create(url);
        new EventStore(old, codec, "old").append(List.of(started(user, "a", T), completed(user, "b",
                T.plusSeconds(60)), started(other, "x", T)));
        return old;
    }

    private Snapshots oldSnapshots(Jdbi old) {
        return new Snapshots(old, mapper, "old", Snapshots.MAX_STATE_BYTES);
    }

    private Result project(Projector projector) {
        Result result = projector.project(user, ORDER, null, r -> r);
        projector.awaitSaves();
        return result;
    }

    private static String one(Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }

    private static void admin(String sql) {
        try (Connection c = TestDatabase.server().getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
