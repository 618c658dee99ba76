package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A few client threads, each sending distinct Pub/Sub pushes of RudderStack track calls to serve, one after the
 * other, and recording every message id acknowledged with 200 and how long each answer took.
 */
final class PushLoad implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One answer: when the request was sent (nanoTime), how long it took, and its status (0: no answer). */
    record Answer(long sentAt, long millis, int status) {
    }

    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** Every push sent, answered or not: its body by its message id. */
    final Map<String, String> sent = new ConcurrentHashMap<>();
    final List<Answer> answers = new CopyOnWriteArrayList<>();
    /** Answers the API's OpenAPI document does not describe, found on the clients' threads and reported by close. */
    private final List<String> offDocument = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Thread> threads = new ArrayList<>();
    private final String base;
    private final String name;
    private volatile boolean stopped;

    /** Starts {@code clients} threads; message ids start with {@code name}. */
    PushLoad(String base, String name, int clients) {
        this.base = base;
        this.name = name;
        for (int i = 0; i < clients; i++) {
            int client = i;
            threads.add(new Thread(() -> send(client), name + "-" + i));
        }
        threads.forEach(Thread::start);
    }

    private void send(int clientNumber) {
        UUID user = UUID.randomUUID();
        Instant time = Instant.parse("2024-05-01T10:00:00Z");
        for (int n = 0; !stopped; n++) {
            String messageId = name + "-" + clientNumber + "-" + n;
            String body = push("pubsub-" + messageId, track(user, messageId, time.plusSeconds(n), n));
            sent.put(messageId, body);
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/pubsub/push"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            long sent = System.nanoTime();
            int status = 0;
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                ApiContract.check("POST", request.uri(), response);
            } catch (AssertionError e) {
                offDocument.add(e.getMessage());
            } catch (Exception e) {
                status = 0;
            }
            answers.add(new Answer(sent, (System.nanoTime() - sent) / 1_000_000, status));
            if (status == 200) {
                acknowledged.add(messageId);
            } else {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The answers to requests sent from {@code from} to {@code to} (nanoTime). */
    List<Answer> sentBetween(long from, long to) {
        return answers.stream().filter(a -> a.sentAt() >= from && a.sentAt() < to).toList();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(40_000);
        }
        if (!offDocument.isEmpty()) {
            throw new AssertionError(offDocument.size() + " answers the OpenAPI document does not describe; the first: "
                    + offDocument.get(0));
        }
    }

    /** RudderStack's id is {@code messageId}: the event's key, by which the test finds what it acknowledged. */
    static String track(UUID user, String messageId, Instant timestamp, int n) {
        return track(user, messageId, "Content Piece Started", "sevenmind://content/single/abc12/recording/xyz34",
                timestamp, n);
    }

    /** A track call of {@code event} (a Content Piece type's track name) on the content {@code objectUri}. */
    static String track(UUID user, String messageId, String event, String objectUri, Instant timestamp, int n) {
        ObjectNode node = MAPPER.createObjectNode().put("type", "track").put("event", event)
                .put("userId", user.toString()).put("messageId", messageId).put("timestamp", timestamp.toString())
                .put("anonymousId", "a-1");
        node.putObject("context").put("timezone", "Europe/Berlin").put("locale", "de-DE");
        node.putObject("properties").put("session_id", "s-" + n)
                .put("object_uri", objectUri);
        return node.toString();
    }

    static String push(String messageId, String data) {
        return "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(data.getBytes(UTF_8))
                + "\",\"messageId\":\"" + messageId + "\",\"publishTime\":\"2024-05-01T10:00:01Z\"},"
                + "\"subscription\":\"projects/p/subscriptions/eventstore\"}";
    }
}
