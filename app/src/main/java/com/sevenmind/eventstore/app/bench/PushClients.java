package com.sevenmind.eventstore.app.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sevenmind.eventstore.api.ContentPieceStarted;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Bench's push clients: each a plain HTTP/1.1 keep-alive socket to serve on 127.0.0.1, writing one distinct one-event
 * Pub/Sub push (a RudderStack track call in a base64 envelope, as Pub/Sub sends it) and reading its answer, one after
 * the other. A full HTTP client library spent a third of the process's CPU on itself, which measured the library,
 * not serve.
 */
final class PushClients {

    private static final Instant START = Instant.parse("2026-03-01T07:15:00.603Z");
    private static final int USERS = 1_000;

    /** Pushes answered per second, all clients together, and the latency of one push. */
    record Timing(double pushesPerS, double p50Ms, double p99Ms, double maxMs) {
    }

    private PushClients() {
    }

    /**
     * Pushes {@code from} to {@code from + n} from {@code clients} connections at once, each one after the other;
     * fails on any answer but stored.
     */
    static Timing send(int port, int clients, int from, int n) throws Exception {
        List<List<byte[]>> bodies = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<byte[]> mine = new ArrayList<>();
            for (int i = from + c; i < from + n; i += clients) {
                mine.add(body(i).getBytes(UTF_8));
            }
            bodies.add(mine);
        }
        long[] nanos = new long[n];
        double seconds = concurrently(clients, client -> sendAll(port, bodies.get(client), client, clients, from, nanos));
        Arrays.sort(nanos);
        return new Timing(n / seconds, BenchRun.millis(nanos[(n - 1) / 2]),
                BenchRun.millis(nanos[(int) Math.ceil(n * 0.99) - 1]), BenchRun.millis(nanos[n - 1]));
    }

    /** One client's work, by its number. */
    @FunctionalInterface
    interface Client {
        void run(int client) throws Exception;
    }

    /**
     * Runs {@code clients} clients at once, each on a thread of its own; returns the seconds from the first start to
     * the last end, or throws the first failure.
     */
    static double concurrently(int clients, Client work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    work.run(client);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sendAll(int port, List<byte[]> mine, int client, int clients, int from, long[] nanos)
            throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int k = 0; k < mine.size(); k++) {
                byte[] body = mine.get(k);
                long sent = System.nanoTime();
                out.write(("POST /pubsub/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(UTF_8));
                out.write(body);
                out.flush();
                BenchAnswer answer = BenchAnswer.read(in);
                nanos[client + k * clients] = System.nanoTime() - sent;
                if (answer.status() != 200 || !answer.body().strip().equals("{\"result\":\"stored\"}")) {
                    throw new IllegalStateException("push " + (from + client + k * clients) + " answered "
                            + answer.status() + " " + answer.body());
                }
            }
        }
    }

    /** The i-th event: users round robin, one a second per user. */
    static ContentPieceStarted event(int i) {
        UUID user = new UUID(0xbe4c4_0000L, i % USERS);
        return new ContentPieceStarted(user, messageId(i), sessionId(i), START.plusSeconds(i / USERS),
                "Europe/Berlin", "de-DE", "sevenmind://content/single/abc12/recording/xyz34");
    }

    private static String messageId(int i) {
        return "1772349300603-bench-push-" + i;
    }

    private static String sessionId(int i) {
        return new UUID(0x5e55_0000L, i).toString();
    }

    /** The i-th event as Pub/Sub pushes it: a RudderStack Android track call, base64 in the envelope. */
    private static String body(int i) {
        UUID user = new UUID(0xbe4c4_0000L, i % USERS);
        String data = """
                {"anonymousId":"8d2f5a3e-1c4b-4f6a-9e7d-2b3c4d5e6f70","channel":"mobile","context":{"app":{"build":\
                "5120","name":"7Mind","namespace":"de.sevenmind.android","version":"5.12.0"},"device":{\
                "adTrackingEnabled":false,"id":"8d2f5a3e-1c4b-4f6a-9e7d-2b3c4d5e6f70","manufacturer":"Google",\
                "model":"Pixel 7","name":"panther","type":"Android"},"library":{"name":\
                "com.rudderstack.android.sdk.core","version":"1.20.1"},"locale":"de-DE","network":{"bluetooth":false,\
                "carrier":"Telekom.de","cellular":false,"wifi":true},"os":{"name":"Android","version":"14"},"screen":\
                {"density":420,"height":2400,"width":1080},"sessionId":1709276912345,"timezone":"Europe/Berlin",\
                "traits":{"anonymousId":"8d2f5a3e-1c4b-4f6a-9e7d-2b3c4d5e6f70","id":"%1$s","userId":"%1$s"},\
                "userAgent":"Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/UQ1A.240205.004)"},"event":\
                "Content Piece Started","integrations":{"All":true},"messageId":"%2$s","originalTimestamp":"%3$s",\
                "properties":{"content_title":"Breathing Space","duration_seconds":600,"object_uri":\
                "sevenmind://content/single/abc12/recording/xyz34","session_id":"%4$s","source_screen":"Home"},\
                "receivedAt":"%3$s","request_ip":"203.0.113.42","rudderId":"5c1a9e2b-3d4f-4a6b-8c7d-9e0f1a2b3c4d",\
                "sentAt":"%3$s","timestamp":"%3$s","type":"track","userId":"%1$s"}"""
                .formatted(user, messageId(i), START.plusSeconds(i / USERS), sessionId(i));
        return "{\"message\":{\"attributes\":{},\"data\":\"" + Base64.getEncoder().encodeToString(data.getBytes(UTF_8))
                + "\",\"messageId\":\"" + (17_000_000_000L + i) + "\",\"message_id\":\"" + (17_000_000_000L + i)
                + "\",\"publishTime\":\"2026-03-01T07:15:01.123Z\",\"publish_time\":\"2026-03-01T07:15:01.123Z\"},"
                + "\"subscription\":\"projects/sevenmind-prod/subscriptions/eventstore-push\"}";
    }
}
