package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.app.http.ServeTest.LiveStream;
import com.sevenmind.eventstore.app.http.ServeTest.Served;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 21, finding 7a: 64 live streams of one of 50 users being pushed to cut push throughput to a third, each stream
 * re-reading the projections on its own after every change. The probe pushes for 12 s with 8 clients, round robin
 * over 50 users (after 4 s of warm-up), without streams and then with 64 streams of the first user, and prints both
 * counts; it checks that every stream ends on the user's last state. Run it alone: {@code mvn -B -pl app -am verify
 * -Dtest=NONE -Dit.test=LiveStreamsLoadIT -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LiveStreamsLoadIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int USERS = 50;
    private static final int CLIENTS = 8;
    private static final int STREAMS = 64;
    private static final Duration RUN = Duration.ofSeconds(12);
    private static final Duration WARM_UP = Duration.ofSeconds(4);

    private final List<UUID> users = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();

    @Test
    void sixty_four_streams_of_one_pushed_user_all_end_on_its_last_state_and_pushes_go_on() throws Exception {
        for (int i = 0; i < USERS; i++) {
            users.add(UUID.randomUUID());
        }
        try (Served served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0)
                .withLimits(8, HttpApi.Settings.QUEUE, 1 << 20, STREAMS, HttpApi.Settings.CONNECTIONS))) {
            push(served.base(), WARM_UP); // so that the first count is not the JIT's and the pool's start
            long without = push(served.base(), RUN);
            String path = "/users/" + users.get(0) + "/projections/stats";
            List<LiveStream> streams = new ArrayList<>();
            try {
                for (int i = 0; i < STREAMS; i++) {
                    LiveStream stream = new LiveStream(served.base(), path + "/live");
                    stream.nextData();
                    streams.add(stream);
                }
                long with = push(served.base(), RUN);
                System.out.printf("live streams probe: pushes acknowledged in %d s by %d clients over %d users: "
                        + "%,d without streams, %,d with %d streams of one user%n", RUN.toSeconds(), CLIENTS, USERS,
                        without, with, STREAMS);
                String last = ServeTest.send(served.base(), "GET", path, null).body().strip();
                for (LiveStream stream : streams) {
                    String data;
                    do {
                        data = stream.nextData();
                    } while (!data.equals(last));
                    assertEquals(last, data);
                }
            } finally {
                streams.forEach(LiveStream::close);
            }
        }
    }

    /** Pushes with {@link #CLIENTS} clients for {@code run}, round robin over the users; the pushes acknowledged. */
    private long push(URI base, Duration run) throws InterruptedException {
        AtomicLong acknowledged = new AtomicLong();
        long end = System.nanoTime() + run.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread client = new Thread(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                while (System.nanoTime() < end) {
                    long n = sequence.getAndIncrement();
                    String id = "probe-" + n;
                    String body = PushLoad.push("pubsub-" + id, PushLoad.track(users.get((int) (n % USERS)), id,
                            Instant.parse("2024-05-01T10:00:00Z").plusSeconds(n), (int) n));
                    try {
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/pubsub/push"))
                                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 200) {
                            acknowledged.incrementAndGet();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        return acknowledged.get();
    }
}
