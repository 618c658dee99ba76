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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} of the shaded jar killed with SIGKILL under a load of concurrent pushes, whose commits they share,
 * then started again on the same data directory: every push answered 200 before the kill was stored, once; the
 * others at most once; after every push is sent again, each is stored exactly once.
 */
@Timeout(120)
class KilledServeIT {

    private static final int CLIENTS = 8;
    private static final String STORED = "{\"result\":\"stored\"}";
    private static final String DUPLICATE = "{\"result\":\"duplicate\"}";

    @TempDir
    Path dir;

    @Test
    void a_serve_killed_mid_load_lost_no_acknowledged_push_and_stored_none_twice() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> sent;
        Set<String> acknowledged;
        long unanswered;
        ServeProcess first = ServeProcess.start(data, dir.resolve("first.err"));
        try (PushLoad load = new PushLoad(first.base, "load", CLIENTS)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (load.acknowledged.size() < 1_000 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook, the pushes in flight get no answer
            first.process.waitFor();
            Thread.sleep(300); // the clients see their connections fail
            load.close();
            sent = new HashMap<>(load.sent);
            acknowledged = Set.copyOf(load.acknowledged);
            unanswered = load.answers.stream().filter(a -> a.status() == 0).count();
        }
        assertTrue(acknowledged.size() > 0, "no push acknowledged before the kill");
        assertTrue(unanswered > 0, "the kill left no push in flight");

        Map<String, String> again;
        try (ServeProcess second = ServeProcess.start(data, dir.resolve("second.err"))) {
            again = sendAll(second.base, sent);
        }
        for (String id : acknowledged) {
            assertEquals(DUPLICATE, again.get(id), "acknowledged before the kill, so stored then: " + id);
        }
        for (Map.Entry<String, String> answer : again.entrySet()) {
            assertTrue(answer.getValue().equals(STORED) || answer.getValue().equals(DUPLICATE),
                    answer.getKey() + " sent again: " + answer.getValue());
        }

        Map<String, Long> stored = new HashMap<>();
        StoredRows.read(data, h -> h.createQuery("SELECT unique_id, count(*) AS n FROM events GROUP BY unique_id")
                .map((rs, ctx) -> stored.put(rs.getString("unique_id"), rs.getLong("n"))).list());
        System.out.printf("serve killed: %d pushes sent, %d acknowledged, %d unanswered; %d stored after sending "
                + "all again%n", sent.size(), acknowledged.size(), unanswered, stored.size());
        assertEquals(sent.keySet(), stored.keySet(), "every push stored after sending all again");
        assertEquals(Map.of(), Map.copyOf(stored.entrySet().stream().filter(e -> e.getValue() != 1)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))),
                "stored more than once");
    }

    /** Sends every push again, from as many clients; each answer's body by message id (its status when not 200). */
    private static Map<String, String> sendAll(String base, Map<String, String> bodies) throws Exception {
        Map<String, String> answers = new ConcurrentHashMap<>();
        List<Map.Entry<String, String>> all = new ArrayList<>(bodies.entrySet());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    for (int i = client; i < all.size(); i += CLIENTS) {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                        URI.create(base + "/pubsub/push")).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(all.get(i).getValue())).build(),
                                HttpResponse.BodyHandlers.ofString());
                        ApiContract.check("POST", URI.create(base + "/pubsub/push"), response);
                        answers.put(all.get(i).getKey(), response.statusCode() == 200 ? response.body().strip()
                                : response.statusCode() + " " + response.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        return answers;
    }
}
