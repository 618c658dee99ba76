package com.sevenmind.eventstore.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Projector;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A small host service that embeds the store, through the public API only: its own Flyway migrations (its V1 at
 * Flyway's default location and history table), its own HikariCP pool, and the store beside them in its schema.
 */
class HostServiceTest {

    private static final String DATABASE = "host_service";
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    /** What the host projects: the unique ids of a user's events, in stream order. */
    record Seen(List<String> ids) {
    }

    static final class Order implements Projection<Seen> {
        @Override
        public String name() {
            return "order";
        }

        @Override
        public Seen initialState() {
            return new Seen(List.of());
        }

        @Override
        public Seen apply(Seen state, RecordedEvent event) {
            return new Seen(java.util.stream.Stream.concat(state.ids().stream(), java.util.stream.Stream.of(
                    event.uniqueId())).toList());
        }

        @Override
        public Object view(Seen state) {
            return state.ids();
        }

        @Override
        public Optional<Class<Seen>> snapshotType() {
            return Optional.of(Seen.class);
        }
    }

    private HikariDataSource pool;

    @BeforeEach
    void hostStarts() {
        admin("CREATE DATABASE " + DATABASE);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabase.server().getJdbcUrl("postgres", DATABASE));
        // Three connections, as Flyway takes while it migrates the store: few, so that whatever the store leaves on
        // a connection, the host gets.
        config.setMaximumPoolSize(3);
        pool = new HikariDataSource(config);
        Flyway.configure().dataSource(pool).load().migrate();
    }

    @AfterEach
    void hostStops() {
        pool.close();
        admin("DROP DATABASE " + DATABASE + " WITH (FORCE)");
    }

    @Test
    void the_store_lives_beside_the_hosts_own_migrations_pool_and_tables() {
        Jdbi host = Jdbi.create(pool);
        String hostPath = searchPaths(host).get(0);
        UUID user = UUID.randomUUID();
        EventCodec codec = new EventCodec(Json.newObjectMapper());

        try (Database store = Database.using(pool, "eventstore")) {
            EventStore events = store.eventStore(codec);
            events.append(List.of(TestEvents.started(user, "b", T.plusSeconds(60)), TestEvents.started(user, "a", T)));
            host.useHandle(h -> h.execute("INSERT INTO orders (id, note) VALUES (1, 'placed')"));
            Projector projector = store.projector(codec, Json.newObjectMapper());
            Map<String, Object> projected = projector.project(user, List.of(new Order()), null, Projector.Result::views);
            projector.awaitSaves();

            assertEquals(Map.of("order", List.of("a", "b")), projected);
            assertEquals(2, events.count());
            assertEquals(List.of(hostPath, hostPath, hostPath), searchPaths(host),
                    "the host's connections come back with their own search path");
        }

        assertFalse(pool.isClosed(), "the host's pool stays open");
        assertEquals("1 orders", host.withHandle(h -> h.createQuery(
                "SELECT version || ' ' || description FROM public.flyway_schema_history").mapTo(String.class).one()));
        assertEquals("1 2 3 4 5 6 7 8 9 10 11 12 13", host.withHandle(h -> h.createQuery("""
                SELECT string_agg(version, ' ' ORDER BY installed_rank) FROM eventstore.eventstore_schema_history
                WHERE version IS NOT NULL""").mapTo(String.class).one()));
        assertEquals("placed", host.withHandle(h -> h.createQuery("SELECT note FROM orders").mapTo(String.class).one()));

        try (Database again = Database.using(pool, "eventstore")) {
            assertEquals(2, again.eventStore(codec).count(), "the events are still there on the host's next start");
        }
    }

    /** The search path of each of the pool's connections, all held at once. */
    private List<String> searchPaths(Jdbi host) {
        List<Handle> handles = new ArrayList<>();
        try {
            while (handles.size() < pool.getMaximumPoolSize()) {
                handles.add(host.open());
            }
            return handles.stream().map(h -> h.createQuery("SHOW search_path").mapTo(String.class).one()).toList();
        } finally {
            handles.forEach(Handle::close);
        }
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
