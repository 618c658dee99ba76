package com.sevenmind.eventstore.app.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.app.FeedLines;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.projecting.Changes;
import com.sevenmind.eventstore.app.http.HttpApi;
import com.sevenmind.eventstore.app.http.IngestOptions;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Feed;
import com.sevenmind.eventstore.store.FeedEntry;
import com.sevenmind.eventstore.store.FeedPosition;
import com.sevenmind.eventstore.store.GlobalProjections;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The global feed's cost: (1) catching up over every stored event, {@link Feed#read} in batches and each entry made
 * into the line {@code feed} prints, against one raw sequential SELECT of the same rows made into the same lines
 * (the median of {@link #RUNS} of each, taken in turns);
 * (2) the delay from an append's commit to a client of {@code GET /feed/stream} receiving it, on an idle store (each
 * append after the stream's coalescing interval, as {@link BenchLive} does);
 * (3) rebuilding the built-in global projection {@code content} from the beginning.
 */
final class BenchFeed {

    private static final int BATCH = Feed.MAX_LIMIT;
    /** Catch-ups and raw reads measured, one after the other, after one of each as warm-up: their medians count. */
    private static final int RUNS = 3;
    /** Appends timed from commit to the SSE client. */
    static final int SSE_APPENDS = 20;
    private static final String RAW_READ = """
            SELECT id, user_uuid, unique_id, event_type, schema_version, "timestamp", recorded_at, payload::text,
                   received_at, metadata::text
            FROM events""";

    /**
     * @param events          the stored events caught up over
     * @param catchUpMs       the feed read and made into lines, in batches of {@link #BATCH} (median of {@link #RUNS})
     * @param rawMs           one SELECT of the same rows, made into the same lines (median of {@link #RUNS})
     * @param catchUpVsRaw    rawMs over catchUpMs: the feed's speed as a share of the raw read's
     * @param sseP50Ms        median of {@link #SSE_APPENDS} delays from commit to the SSE client's data line
     * @param sseMaxMs        the largest of them
     * @param rebuildContentMs rebuilding {@code content} over every stored event
     */
    record Result(long events, double catchUpMs, double rawMs, double catchUpVsRaw, double sseP50Ms, double sseMaxMs,
                  double rebuildContentMs) {
    }

    private BenchFeed() {
    }

    static Result measure(Database db, Connection connection, EventCodec codec, ObjectMapper mapper,
                          ProjectionRegistry registry, GlobalProjection<?> content) throws Exception {
        FeedLines lines = new FeedLines(codec, mapper);
        catchUp(db.feed(), lines); // warm-up, of both: each compiles code of its own
        raw(connection, lines);
        List<Double> catchUps = new ArrayList<>();
        List<Double> raws = new ArrayList<>();
        long events = 0;
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            events = catchUp(db.feed(), lines);
            catchUps.add((System.nanoTime() - start) / 1e6);
            start = System.nanoTime();
            long raw = raw(connection, lines);
            raws.add((System.nanoTime() - start) / 1e6);
            if (raw != events) {
                throw new IllegalStateException("bench: the feed gave " + events + " events, the raw read " + raw);
            }
        }
        double catchUpMs = BenchRun.median(catchUps);
        double rawMs = BenchRun.median(raws);
        long[] delays = sse(db, codec, mapper, registry);
        long start = System.nanoTime();
        new GlobalProjections(db, codec, mapper).rebuild(content, n -> { });
        double rebuildMs = (System.nanoTime() - start) / 1e6;
        return new Result(events, BenchRun.round(catchUpMs, 1), BenchRun.round(rawMs, 1),
                BenchRun.round(rawMs / catchUpMs, 3), BenchRun.millis(delays[(delays.length - 1) / 2]),
                BenchRun.millis(delays[delays.length - 1]), BenchRun.round(rebuildMs, 1));
    }

    /** Reads the whole feed, each entry made into its line; returns the stored events read. */
    private static long catchUp(Feed feed, FeedLines lines) {
        long events = 0;
        long sink = 0;
        FeedPosition position = FeedPosition.START;
        while (true) {
            Feed.Batch batch = feed.read(position, BATCH);
            if (batch.entries().isEmpty()) {
                BenchRaw.blackhole = sink;
                return events;
            }
            for (FeedEntry entry : batch.entries()) {
                sink += lines.line(entry).size();
                events += entry instanceof FeedEntry.Stored ? 1 : 0;
            }
            position = batch.next();
        }
    }

    /** One SELECT of every event, in no order, each row made into the line the feed makes of it. */
    private static long raw(Connection c, FeedLines lines) throws SQLException {
        long rows = 0;
        long sink = 0;
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement(RAW_READ)) {
            s.setFetchSize(BenchRaw.FETCH_SIZE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    FeedEntry.Stored e = new FeedEntry.Stored(FeedPosition.START, rs.getLong(1),
                            rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4), rs.getInt(5),
                            instant(rs, 6), instant(rs, 7), rs.getString(8), instant(rs, 9), rs.getString(10));
                    sink += lines.line(e).size();
                    rows++;
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        BenchRaw.blackhole = sink;
        return rows;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /** Appends one event at a time, each after the last reached the SSE client; returns the delays, sorted. */
    private static long[] sse(Database db, EventCodec codec, ObjectMapper mapper, ProjectionRegistry registry)
            throws Exception {
        Feed feed = db.feed();
        FeedPosition end = FeedPosition.START;
        for (Feed.Batch b = feed.read(end, BATCH); !b.entries().isEmpty(); b = feed.read(end, BATCH)) {
            end = b.next();
        }
        var store = db.eventStore(codec);
        HttpApi api = HttpApi.create(db, codec, registry, new GlobalProjectionRegistry(List.of()), mapper,
                HttpApi.Settings.of("127.0.0.1", 0), IngestOptions.DEFAULT,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        try {
            int port = api.start();
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/feed/stream?after=" + end)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("bench: GET /feed/stream answered " + response.statusCode());
            }
            long[] delays = new long[SSE_APPENDS];
            UUID user = UUID.randomUUID();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
                for (int i = 0; i < SSE_APPENDS; i++) {
                    // The stream coalesces changes into a read per interval: after one, the next append waits it
                    // out, so that each is the first change after a quiet spell, as on an idle store.
                    TimeUnit.MILLISECONDS.sleep(Changes.MIN_INTERVAL_MILLIS);
                    store.append(new ContentPieceStarted(user, "sse-" + i, "sse-session-" + i, Instant.now(),
                            "Europe/Berlin", "de-DE", "sevenmind://content/single/bench/recording/sse"));
                    long committed = System.nanoTime();
                    String line;
                    do {
                        line = in.readLine();
                        if (line == null) {
                            throw new IllegalStateException("bench: GET /feed/stream ended");
                        }
                    } while (!(line.startsWith("data:") && line.contains("\"sse-" + i + "\"")));
                    delays[i] = System.nanoTime() - committed;
                }
            }
            Arrays.sort(delays);
            return delays;
        } finally {
            api.close();
        }
    }
}
