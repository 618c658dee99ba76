package com.example.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.stats.Stats;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Database;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * What a host does with the store, on the versions of Flyway, HikariCP, pgjdbc and Jackson its module chose: its own
 * pool and migrations, then the store's append and projection through that pool, with no Micrometer anywhere.
 */
class EmbeddingTest {

    private static final UUID USER = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final String OBJECT = "content://single/meditation/recording-1";

    @Test
    void a_host_with_its_own_pool_and_migrations_appends_and_projects() throws IOException, SQLException {
        // The host's PostgreSQL: a throwaway one from the jar that event-store-embedded brings.
        try (EmbeddedPostgres server = EmbeddedPostgres.start();
             HikariDataSource pool = hostPool(server.getJdbcUrl("postgres", "postgres"))) {
            Flyway.configure().dataSource(pool).load().migrate();

            ObjectMapper mapper = Json.newObjectMapper();
            EventCodec codec = new EventCodec(mapper);
            try (Database store = Database.using(pool, "eventstore")) {
                Instant at = Instant.parse("2026-01-05T08:00:00Z");
                AppendResult appended = store.eventStore(codec).append(List.of(
                        new ContentPieceStarted(USER, "s-1", "session", at, "Europe/Berlin", "de", OBJECT),
                        new ContentPieceCompleted(USER, "c-1", "session", at.plusSeconds(60), "Europe/Berlin", "de",
                                OBJECT)));
                assertEquals(2, appended.stored());

                StatsProjection stats = new StatsProjection();
                Stats view = store.projector(codec, mapper).project(USER, List.of(stats), result -> result.view(stats));
                assertEquals(new Stats(1, 1, 0, 2), view);
            }
            try (Connection connection = pool.getConnection();
                 ResultSet orders = connection.createStatement().executeQuery("SELECT count(*) FROM orders")) {
                orders.next();
                assertEquals(0, orders.getInt(1), "the host's table, in the host's schema, beside the store's");
            }
        }
    }

    @Test
    void micrometer_is_not_on_a_host_class_path_that_never_asked_for_it() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.micrometer.core.instrument.MeterRegistry"));
    }

    private static HikariDataSource hostPool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }
}
