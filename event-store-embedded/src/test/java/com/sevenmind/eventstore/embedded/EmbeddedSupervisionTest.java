package com.sevenmind.eventstore.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A postmaster killed under a running Database is started again, on the same port, and queries work again; one that
 * cannot be is reported.
 */
class EmbeddedSupervisionTest {

    private final EventCodec codec = new EventCodec(Json.newObjectMapper());

    @Test
    void a_postmaster_killed_with_sigkill_is_started_again_and_the_pool_reconnects(@TempDir Path dir)
            throws Exception {
        UUID user = UUID.randomUUID();
        try (Database db = EmbeddedDatabase.start(dir)) {
            EventStore store = db.eventStore(codec);
            store.append(TestEvents.started(user, "1", Instant.parse("2024-01-01T00:00:00Z")));
            String url = db.description();
            long killed = postmasterPid(dir);

            ProcessHandle postmaster = ProcessHandle.of(killed).orElseThrow();
            postmaster.destroyForcibly();
            // Its backends answer until they notice it is gone: only a new postmaster's answer counts.
            postmaster.onExit().get(10, TimeUnit.SECONDS);

            long start = System.nanoTime();
            long deadline = start + 30_000_000_000L;
            long count = -1;
            while (count < 0 && System.nanoTime() < deadline) {
                try {
                    count = postmasterPid(dir) == killed ? -1 : store.count();
                } catch (RuntimeException | java.io.IOException e) {
                    count = -1; // down, or between two postmasters
                }
                if (count < 0) {
                    Thread.sleep(100);
                }
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(1, count, "back within 30 s");
            System.out.println("queries work again " + seconds + " s after the kill");
            assertEquals(url, db.description(), "same port");
            assertNotEquals(killed, postmasterPid(dir));
            store.append(TestEvents.started(user, "2", Instant.parse("2024-01-01T00:01:00Z")));
            assertEquals(2, store.stream(user, e -> { }).events());
        }
        assertTrue(Files.readString(dir.resolve("postgres.log")).contains("database system is shut down"),
                "stopped cleanly at close");
    }

    @Test
    void a_server_that_cannot_be_started_again_is_reported_in_one_line_with_the_cause(@TempDir Path dir)
            throws Exception {
        CompletableFuture<String> lost = new CompletableFuture<>();
        try (EmbeddedServer server = EmbeddedServer.start(dir, Duration.ofSeconds(2), lost::complete)) {
            long killed = postmasterPid(dir);
            Files.writeString(dir.resolve("pg/postgresql.conf"), "no_such_setting = 1\n", StandardOpenOption.APPEND);

            ProcessHandle.of(killed).orElseThrow().destroyForcibly();

            String reason = lost.get(20, TimeUnit.SECONDS);
            assertTrue(reason.startsWith("the embedded PostgreSQL (pid " + killed + ") on " + dir.resolve("pg")
                    + " stopped and could not be started again within 2 s: FATAL: "), reason);
            assertTrue(reason.endsWith("postgresql.conf\" contains errors"), reason);
            assertEquals(1, reason.lines().count(), reason);
        }
    }

    static long postmasterPid(Path dir) throws java.io.IOException {
        return Long.parseLong(Files.readAllLines(dir.resolve("pg/postmaster.pid")).get(0).trim());
    }
}
