package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.ServeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} of the shaded jar on its embedded PostgreSQL, under a push load from a few clients, while the
 * database hangs (every postgres process SIGSTOPped) or its postmaster is killed: answers stay bounded in time, the
 * server comes back, and every push acknowledged with 200 is stored exactly once.
 */
class EmbeddedFaultIT {

    private static final int CLIENTS = 4;
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void a_hung_database_gives_503_within_seconds_and_no_acknowledged_push_is_lost() throws Exception {
        Path data = dir.resolve("data");
        Set<String> acknowledged;
        try (ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.err"));
             PushLoad load = new PushLoad(serve.base, "load", CLIENTS)) {
            awaitAcknowledged(load, 1, 20);
            List<ProcessHandle> postgres = ServeProcess.postgres(data);
            ServeProcess.signal("STOP", postgres);
            long stoppedAt = System.nanoTime();
            long resumedAt;
            HttpResponse<String> health;
            long healthMillis;
            // The load's clients wait for their requests in flight; these send new ones while the database hangs.
            PushLoad during = new PushLoad(serve.base, "during", CLIENTS);
            try {
                Thread.sleep(1_000);
                long asked = System.nanoTime();
                health = get(serve.base + "/health");
                healthMillis = (System.nanoTime() - asked) / 1_000_000;
                Thread.sleep(Math.max(0, stoppedAt + 8 * SECOND - System.nanoTime()) / 1_000_000);
            } finally {
                ServeProcess.signal("CONT", postgres);
                resumedAt = System.nanoTime();
                during.close();
            }
            int before = load.acknowledged.size();
            awaitAcknowledged(load, before + 1, 20);
            load.close();

            List<PushLoad.Answer> sent = during.sentBetween(stoppedAt, resumedAt);
            long slowest = sent.stream().mapToLong(PushLoad.Answer::millis).max().orElse(-1);
            long refused = sent.stream().filter(a -> a.status() == 503).count();
            long slowestInFlight = load.answers.stream().mapToLong(PushLoad.Answer::millis).max().orElse(-1);
            System.out.printf("SIGSTOP for %d ms: %d pushes sent meanwhile, %d answered 503, slowest answer %d ms; "
                    + "slowest answer of the load %d ms; /health %d in %d ms%n", (resumedAt - stoppedAt) / 1_000_000,
                    sent.size(), refused, slowest, slowestInFlight, health.statusCode(), healthMillis);
            assertEquals(503, health.statusCode(), health.body());
            // The wait for a pooled connection (3 s), after a test of an idle one (up to 1 s), and margin.
            assertTrue(healthMillis <= 6_000, "/health took " + healthMillis + " ms");
            assertTrue(refused > 0, "some pushes were refused while the database hung: " + sent);
            assertTrue(sent.stream().allMatch(a -> a.status() == 503 || a.status() == 200), "answered: " + sent);
            assertTrue(slowest <= 6_000, "the slowest answer while the database hung took " + slowest + " ms");
            // A statement sent just before the stop waits for the socket timeout (10 s) or the end of the stop.
            assertTrue(slowestInFlight <= 12_000, "a push in flight at the stop took " + slowestInFlight + " ms");
            acknowledged = new HashSet<>(load.acknowledged);
            acknowledged.addAll(during.acknowledged);
            serve.stop();
        }
        assertStoredOnce("SIGSTOP", data, acknowledged);
    }

    @Test
    void a_killed_postmaster_is_started_again_and_no_acknowledged_push_is_lost() throws Exception {
        Path data = dir.resolve("data");
        Set<String> acknowledged;
        try (ServeProcess serve = ServeProcess.start(data, dir.resolve("serve.err"));
             PushLoad load = new PushLoad(serve.base, "load", CLIENTS)) {
            awaitAcknowledged(load, 1, 20);
            List<ProcessHandle> postgres = ServeProcess.postgres(data);
            ServeProcess.signal("KILL", postgres.subList(0, 1));
            long killedAt = System.nanoTime();
            Thread.sleep(500);
            int before = load.acknowledged.size();
            awaitAcknowledged(load, before + 1, 30);
            long backAfter = (System.nanoTime() - killedAt) / 1_000_000;
            Thread.sleep(2_000);
            load.close();

            System.out.printf("postmaster killed: pushes acknowledged again after %d ms%n", backAfter);
            assertTrue(serve.process.isAlive(), "serve kept running");
            String stderr = serve.stderr();
            assertTrue(stderr.contains("the embedded PostgreSQL (pid " + postgres.get(0).pid() + ") on " + data
                    + "/pg stopped; starting it again on port "), stderr);
            assertTrue(stderr.contains("runs again (pid "), stderr);
            acknowledged = Set.copyOf(load.acknowledged);
            serve.stop();
        }
        assertStoredOnce("kill -9", data, acknowledged);
    }

    /** Every acknowledged push stored exactly once; the counts go to the test's output. */
    private static void assertStoredOnce(String fault, Path data, Set<String> acknowledged) {
        Map<String, Long> stored;
        stored = StoredRows.read(data, h -> h.createQuery("SELECT unique_id, count(*) AS n FROM events "
                        + "GROUP BY unique_id")
                .map((rs, ctx) -> Map.entry(rs.getString("unique_id"), rs.getLong("n")))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(stored.keySet());
        long duplicated = stored.values().stream().filter(n -> n > 1).count();
        System.out.printf("%s: acknowledged %d, stored %d, lost %d, duplicated %d%n", fault, acknowledged.size(),
                stored.size(), lost.size(), duplicated);
        assertEquals(Set.of(), lost, "acknowledged but not stored");
        assertEquals(0, duplicated);
        assertTrue(acknowledged.size() > 0);
    }

    private static void awaitAcknowledged(PushLoad load, int count, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * SECOND;
        while (load.acknowledged.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(load.acknowledged.size() >= count, "no push acknowledged within " + seconds + " s");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        ApiContract.check("GET", URI.create(url), answer);
        return answer;
    }
}
