package com.sevenmind.eventstore.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.StoreException;
import com.sevenmind.eventstore.store.TestEvents;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedServerTest {

    private final EventCodec codec = new EventCodec(Json.newObjectMapper());

    @Test
    void events_stay_in_the_data_directory_between_runs(@TempDir Path dir) {
        UUID user = UUID.randomUUID();
        try (Database first = EmbeddedDatabase.start(dir)) {
            first.eventStore(codec).append(TestEvents.started(user, "1", Instant.parse("2024-01-01T00:00:00Z")));
        }
        try (Database second = EmbeddedDatabase.start(dir)) {
            assertEquals(1, second.eventStore(codec).stream(user, e -> { }).events());
        }
    }

    /** Issue 21, finding 7b: zonky makes the directory it unpacks into writable by all; it is kept 0700. */
    @Test
    void the_binaries_directory_is_0700_while_a_server_runs(@TempDir Path dir) throws Exception {
        try (Database running = EmbeddedDatabase.start(dir)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    PrivateFiles.cacheDirectory().resolve("embedded-pg"))));
        }
    }

    @Test
    void a_second_server_on_a_directory_in_use_is_refused_with_who_holds_it_and_how_to_reach_its_server(
            @TempDir Path dir) throws Exception {
        try (Database running = EmbeddedDatabase.start(dir)) {
            StoreException e = assertThrows(StoreException.class, () -> EmbeddedDatabase.start(dir));
            int port = port(running);
            assertEquals("data directory " + dir.toAbsolutePath() + " is in use by another eventstore process (pid "
                    + ProcessHandle.current().pid() + "); wait for it to finish, or use its server while it runs with "
                    + "EVENTSTORE_DB_PASSWORD=\"$(cat " + dir.toAbsolutePath().resolve("pg-password") + ")\" and "
                    + "--db-url 'jdbc:postgresql://localhost:" + port + "/postgres?user=postgres'", e.getMessage());
            assertFalse(running.description().contains(password(dir)), running.description());
        }
    }

    @Test
    void only_a_client_with_the_password_from_the_private_file_gets_in(@TempDir Path dir) throws Exception {
        try (Database running = EmbeddedDatabase.start(dir)) {
            int port = port(running);
            SQLException none = assertThrows(SQLException.class, () -> connect(port, null).close());
            assertEquals("The server requested SCRAM-based authentication, but no password was provided.",
                    none.getMessage());
            SQLException wrong = assertThrows(SQLException.class, () -> connect(port, "guess").close());
            assertTrue(wrong.getMessage().contains("password authentication failed for user \"postgres\""),
                    wrong.getMessage());
            try (Connection c = connect(port, password(dir));
                 ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
                assertTrue(rs.next());
                assertEquals("postgres", rs.getString(1));
            }
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("pg-password"))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            String hba = Files.readString(dir.resolve("pg/pg_hba.conf"));
            assertFalse(hba.contains("trust"), hba);
            assertTrue(hba.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .allMatch(l -> l.endsWith("scram-sha-256")), hba);
        }
    }

    @Test
    void a_data_directory_of_an_older_version_that_trusted_everyone_gets_a_password_and_keeps_its_events(
            @TempDir Path dir) throws Exception {
        UUID user = UUID.randomUUID();
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(false).start();
             Database before = Database.connect(old.getJdbcUrl("postgres", "postgres"), null, null)) {
            before.eventStore(codec).append(TestEvents.started(user, "1", Instant.parse("2024-01-01T00:00:00Z")));
        }
        assertTrue(Files.readString(dir.resolve("pg/pg_hba.conf")).contains("trust"), "made by zonky's initdb");

        try (Database upgraded = EmbeddedDatabase.start(dir)) {
            assertEquals(1, upgraded.eventStore(codec).stream(user, e -> { }).events());
            assertThrows(SQLException.class, () -> connect(port(upgraded), null).close());
            connect(port(upgraded), password(dir)).close();
            assertFalse(Files.readString(dir.resolve("pg/pg_hba.conf")).contains("trust"));
        }
    }

    @Test
    void a_deleted_cluster_beside_its_password_file_is_made_again_with_a_new_password(@TempDir Path dir)
            throws Exception {
        EmbeddedDatabase.start(dir).close();
        String first = password(dir);
        try (var files = Files.walk(dir.resolve("pg"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        try (Database again = EmbeddedDatabase.start(dir)) {
            assertFalse(first.equals(password(dir)));
            connect(port(again), password(dir)).close();
        }
    }

    static int port(Database database) {
        return Integer.parseInt(database.description().replaceAll(".*localhost:(\\d+)/.*", "$1"));
    }

    static String password(Path dir) throws Exception {
        return Files.readString(dir.resolve("pg-password")).strip();
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", properties);
    }
}
