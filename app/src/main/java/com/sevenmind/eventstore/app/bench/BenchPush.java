package com.sevenmind.eventstore.app.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.Tracing;
import com.sevenmind.eventstore.app.http.HttpApi;
import com.sevenmind.eventstore.app.http.IngestOptions;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.AppendBatcher;
import com.sevenmind.eventstore.store.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;

/**
 * Pushes against PostgreSQL's own limit, on the same server: (a) {@link #CLIENTS} connections, each committing
 * single-row {@code INSERT … ON CONFLICT DO NOTHING} transactions into a scratch copy of {@code events}, as fast as
 * they can; (b) as many HTTP clients in this process, each sending distinct one-event Pub/Sub pushes (RudderStack
 * track calls in base64 envelopes, as Pub/Sub sends them) to an in-process {@code serve}, one after the other. Each
 * after a warm-up of as many: with fewer, the JIT was still compiling the request path while the pushes were timed.
 * The clients are plain HTTP/1.1 keep-alive connections writing each request and reading its answer: a full HTTP
 * client library spent a third of the process's CPU on itself, which measured the library, not serve.
 */
final class BenchPush {

    /** Concurrent clients, and connections of the raw limit: as many as serve's default workers. */
    static final int CLIENTS = 8;
    /** Workers of the bench's serve, as serve's default: with one request in flight per client, none waits. */
    static final int THREADS = 8;

    private static final String RAW_TABLE = "events_push_raw";
    private static final String INSERT = "INSERT INTO " + RAW_TABLE
            + " (user_uuid, unique_id, event_type, schema_version, \"timestamp\", payload)"
            + " VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT (user_uuid, unique_id) DO NOTHING";
    private static final Instant START = Instant.parse("2026-03-01T07:15:00.603Z");
    private static final int USERS = 1_000;

    /**
     * @param pushesPerS   pushes answered per second, all clients together
     * @param rawTxPerS    single-row transactions committed per second, all connections together
     * @param ratio        pushesPerS over rawTxPerS
     * @param meanBatch    events per shared commit of the pushes
     */
    record Result(int clients, int pushes, int serveThreads, long pushesPerS, long rawTxPerS, double ratio,
                  double p50Ms, double p99Ms, double maxMs, long commits, double meanBatch) {
    }

    private final Database db;
    private final EventCodec codec;
    private final ObjectMapper mapper;
    private final ProjectionRegistry registry;

    BenchPush(Database db, EventCodec codec, ObjectMapper mapper, ProjectionRegistry registry) {
        this.db = db;
        this.codec = codec;
        this.mapper = mapper;
        this.registry = registry;
    }

    Result measure(int pushes) throws Exception {
        int warmup = pushes;
        try (Handle h = db.jdbi().open()) {
            BenchRaw.createLikeEvents(h.getConnection(), RAW_TABLE);
        }
        double rawTxPerS;
        try {
            raw(0, warmup);
            rawTxPerS = raw(warmup, pushes);
        } finally {
            try (Handle h = db.jdbi().open()) {
                h.execute("DROP TABLE " + RAW_TABLE);
            }
        }
        // Measured as served: with every meter serve keeps, the pool's included.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        db.instrument(meters);
        // No global projections: the figure is the push path's, as before they existed. Traced as serve is, when the
        // OTEL_* variables say so: how the pushes' cost changes with tracing on.
        Tracing tracing = Tracing.fromEnvironment();
        HttpApi api = HttpApi.create(db, codec, registry, new GlobalProjectionRegistry(List.of()), mapper,
                HttpApi.Settings.of("127.0.0.1", 0).withLimits(THREADS, HttpApi.Settings.QUEUE, 1 << 20, 1,
                        HttpApi.Settings.CONNECTIONS), IngestOptions.DEFAULT, meters, tracing);
        try {
            int port = api.start();
            send(port, 0, warmup);
            AppendBatcher.Counts before = api.pushCommits();
            long start = System.nanoTime();
            long[] nanos = send(port, warmup, pushes);
            double seconds = (System.nanoTime() - start) / 1e9;
            AppendBatcher.Counts after = api.pushCommits();
            long commits = after.batches() - before.batches();
            Arrays.sort(nanos);
            double pushesPerS = pushes / seconds;
            return new Result(CLIENTS, pushes, THREADS, Math.round(pushesPerS), Math.round(rawTxPerS),
                    round(pushesPerS / rawTxPerS, 3), millis(nanos[(nanos.length - 1) / 2]),
                    millis(nanos[(int) Math.ceil(nanos.length * 0.99) - 1]), millis(nanos[nanos.length - 1]),
                    commits, round((after.events() - before.events()) / (double) commits, 2));
        } finally {
            api.close();
            tracing.close();
        }
    }

    /** Rows {@code from} to {@code from + n} of the raw limit, each a transaction; returns transactions a second. */
    private double raw(int from, int n) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    try (Handle h = db.jdbi().open()) {
                        Connection connection = h.getConnection();
                        connection.setAutoCommit(true);
                        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                            for (int i = from + client; i < from + n; i += CLIENTS) {
                                ContentPieceStarted e = event(i);
                                insert.setObject(1, e.userId());
                                insert.setString(2, e.uniqueId());
                                insert.setString(3, e.eventType());
                                insert.setInt(4, EventCodec.CURRENT_SCHEMA_VERSION);
                                insert.setObject(5, OffsetDateTime.ofInstant(e.timestamp(), ZoneOffset.UTC));
                                insert.setString(6, codec.payload(e));
                                if (insert.executeUpdate() != 1) {
                                    throw new IllegalStateException("raw insert " + i + " stored nothing");
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return n / ((System.nanoTime() - start) / 1e9);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Pushes {@code from} to {@code from + n}, each client one after the other; returns each one's time. */
    private long[] send(int port, int from, int n) throws Exception {
        List<List<String>> bodies = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            List<String> mine = new ArrayList<>();
            for (int i = from + c; i < from + n; i += CLIENTS) {
                mine.add(push(i));
            }
            bodies.add(mine);
        }
        long[] nanos = new long[n];
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        socket.setTcpNoDelay(true);
                        socket.setSoTimeout(30_000);
                        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                        InputStream in = new BufferedInputStream(socket.getInputStream());
                        List<String> mine = bodies.get(client);
                        for (int k = 0; k < mine.size(); k++) {
                            byte[] body = mine.get(k).getBytes(UTF_8);
                            long sent = System.nanoTime();
                            out.write(("POST /pubsub/push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: " + body.length
                                    + "\r\n\r\n").getBytes(UTF_8));
                            out.write(body);
                            out.flush();
                            BenchAnswer answer = BenchAnswer.read(in);
                            nanos[client + k * CLIENTS] = System.nanoTime() - sent;
                            if (answer.status() != 200 || !answer.body().strip().equals("{\"result\":\"stored\"}")) {
                                throw new IllegalStateException("push " + (from + client + k * CLIENTS)
                                        + " answered " + answer.status() + " " + answer.body());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return nanos;
        } finally {
            clients.shutdownNow();
        }
    }

    /** The i-th event: users round robin, one a second per user. */
    private static ContentPieceStarted event(int i) {
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
    private static String push(int i) {
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

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
