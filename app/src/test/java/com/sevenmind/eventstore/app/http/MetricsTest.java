package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Plugins;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.LiveFeed;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /metrics} of a served API: each figure moves by what the requests before the scrape did. */
class MetricsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final EventCodec CODEC = new EventCodec(MAPPER);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static Database database;
    private static HttpApi api;
    private static URI base;

    @BeforeAll
    static void start() {
        database = Database.connect(db.jdbcUrl(), null, null);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        database.instrument(meters);
        Plugins plugins = Plugins.discover(MetricsTest.class.getClassLoader());
        api = HttpApi.create(database, CODEC, plugins.projections(), plugins.globals(), MAPPER,
                HttpApi.Settings.of("127.0.0.1", 0), IngestOptions.DEFAULT, meters);
        base = URI.create("http://127.0.0.1:" + api.start());
    }

    @AfterAll
    static void stop() {
        api.close();
        database.close();
    }

    @Test
    void each_figure_moves_by_what_the_requests_did() throws Exception {
        String before = scrape();
        String stored = ServeTest.push("m-1", ServeTest.track("Content Piece Started", "2024-05-01T10:00:00Z", "s-1"));
        String conflict = ServeTest.push("m-2", ServeTest.track("Content Piece Started", "2024-05-01T11:00:00Z", "s-1",
                "rs-s-1"));
        String invalid = ServeTest.push("m-3", ServeTest.track("Content Piece Started", "yesterday", "s-2"));
        assertEquals("{\"result\":\"stored\"}\n", post(stored).body());
        assertEquals("{\"result\":\"duplicate\"}\n", post(stored).body());
        assertTrue(post(conflict).body().startsWith("{\"result\":\"quarantined\",\"reason\":\"conflict: "));
        assertTrue(post(invalid).body().startsWith("{\"result\":\"quarantined\",\"reason\":\"field timestamp: "));
        String webhook = ServeTest.track("Content Piece Started", "2024-05-01T12:00:00Z", "s-3");
        assertEquals(200, ServeTest.send(base, "POST", "/v1/track", webhook, "Content-Type", "application/json")
                .statusCode());
        assertEquals(200, ServeTest.send(base, "POST", "/v1/batch", "{\"batch\":[" + webhook + "]}",
                "Content-Type", "application/json").statusCode());
        String path = "/users/" + USER + "/projections/stats";
        assertEquals(200, ServeTest.send(base, "GET", path, null).statusCode());
        assertEquals(200, ServeTest.send(base, "GET", path, null).statusCode());
        String after = scrape();

        for (String outcome : new String[] {"stored", "duplicate", "conflict", "quarantined"}) {
            assertMoved(1, before, after, "eventstore_events_total", "source", "push", "outcome", outcome);
        }
        assertMoved(0, before, after, "eventstore_events_total", "source", "events", "outcome", "stored");
        // RudderStack's two ways in are the webhook.
        assertMoved(1, before, after, "eventstore_events_total", "source", "webhook", "outcome", "stored");
        assertMoved(1, before, after, "eventstore_events_total", "source", "webhook", "outcome", "duplicate");
        // The invalid push never reached an append.
        assertMoved(3, before, after, "eventstore_append_seconds_count", "source", "push");
        assertMoved(4, before, after, "http_server_requests_seconds_count", "method", "POST", "route", "/pubsub/push",
                "status", "200", "outcome", "SUCCESS");
        assertMoved(2, before, after, "http_server_requests_seconds_count", "method", "GET",
                "route", "/users/{id}/projections/{name}", "status", "200");
        assertMoved(2, before, after, "http_server_requests_seconds_bucket", "route",
                "/users/{id}/projections/{name}", "le", "+Inf");
        assertMoved(1, before, after, "eventstore_projector_reads_total", "snapshot", "miss");
        assertMoved(1, before, after, "eventstore_projector_reads_total", "snapshot", "hit");
        assertMoved(0, before, after, "eventstore_projector_reads_total", "snapshot", "rebuilt");
        assertMoved(2, before, after, "eventstore_quarantine_inputs");
        assertEquals(8, sample(after, "hikaricp_connections_max", "pool", "eventstore"), after);
        assertTrue(sample(after, "hikaricp_connections_acquire_seconds_count") > 0, after);
        assertFalse(after.contains(USER.toString()), "no user id in the metrics");
        // The JVM's own are the AppModule's, for serve: a served API alone has none.
        assertFalse(after.contains("jvm_memory_used_bytes"), after);
    }

    @Test
    void a_live_stream_is_counted_open_its_updates_delay_measured_and_the_feeds_reconnects_counted() throws Exception {
        UUID user = UUID.randomUUID();
        String path = "/users/" + user + "/projections/stats/live";
        String before = scrape();
        try (ServeTest.LiveStream live = new ServeTest.LiveStream(base, path)) {
            live.nextData();
            assertMoved(1, before, scrape(), "eventstore_live_streams");
            String event = "[" + CODEC.toLine(TestEvents.started(user, "e-1", Instant.parse("2024-05-01T10:00:00Z")),
                    false) + "]";
            HttpResponse<String> appended = ServeTest.send(base, "POST", "/events", event);
            assertEquals("{\"stored\":1,\"duplicates\":0,\"conflicts\":0}\n", appended.body());
            assertTrue(live.nextData().contains("\"started_count\":1"));
            String updated = scrape();
            assertMoved(1, before, updated, "eventstore_live_notification_delay_seconds_count");
            assertMoved(1, before, updated, "eventstore_events_total", "source", "events", "outcome", "stored");
            assertMoved(1, before, updated, "http_server_requests_seconds_count", "route", "/events");

            try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                        + LiveFeed.APPLICATION_NAME + "'");
            }
            // Every stream reads again after a reconnection: that read is the proof it came.
            live.nextData();
            assertMoved(1, before, scrape(), "eventstore_live_feed_reconnects_total");
        }
        // The server learns of the client's going when it reads the connection's end.
        // The gauge drops when the stream ends; the request is timed a moment later, when its handler returns.
        String closed = scrape();
        for (long deadline = System.nanoTime() + 10_000_000_000L; !streamEnded(before, closed)
                && System.nanoTime() < deadline; closed = scrape()) {
            Thread.sleep(20);
        }
        assertMoved(0, before, closed, "eventstore_live_streams");
        // The stream's request is counted once it ended, under its template, never its path.
        assertMoved(1, before, closed, "http_server_requests_seconds_count", "route",
                "/users/{id}/projections/{name}/live");
        assertFalse(closed.contains(user.toString()), "no user id in the metrics");
    }

    @Test
    void the_text_format_is_prometheus_0_0_4_unless_the_scraper_accepts_openmetrics() throws Exception {
        HttpResponse<String> text = ServeTest.send(base, "GET", "/metrics", null);
        assertEquals(200, text.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", text.headers().firstValue("Content-Type").orElse(""));
        assertTrue(text.body().contains("# TYPE eventstore_events_total counter\n"), text.body());

        HttpResponse<String> open = ServeTest.send(base, "GET", "/metrics", null, "Accept",
                "application/openmetrics-text; version=1.0.0");
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8",
                open.headers().firstValue("Content-Type").orElse(""));
        assertTrue(open.body().endsWith("# EOF\n"), open.body());
        assertTrue(open.body().contains("# TYPE eventstore_events counter\n"), open.body());
    }

    @Test
    void a_path_no_route_serves_is_counted_as_not_found_without_the_path() throws Exception {
        String before = scrape();
        assertEquals(404, ServeTest.send(base, "GET", "/nothing-here-" + USER, null).statusCode());
        String after = scrape();
        assertMoved(1, before, after, "http_server_requests_seconds_count", "route", "NOT_FOUND", "status", "404",
                "outcome", "CLIENT_ERROR");
        assertFalse(after.contains("nothing-here"), after);
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return ServeTest.send(base, "POST", "/pubsub/push", body);
    }

    /**
     * A fresh server's /metrics, the scrape before it counted, stays a few hundred lines: each latency histogram has
     * a dozen buckets, not Micrometer's 70-odd percentile buckets.
     */
    @Test
    void an_idle_server_s_metrics_are_a_few_hundred_lines_with_a_dozen_buckets_a_histogram() throws Exception {
        PrometheusMeterRegistry fresh = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Plugins found = Plugins.discover(MetricsTest.class.getClassLoader());
        HttpApi idle = HttpApi.create(database, CODEC, found.projections(), found.globals(), MAPPER,
                HttpApi.Settings.of("127.0.0.1", 0), IngestOptions.DEFAULT, fresh);
        try {
            URI idleBase = URI.create("http://127.0.0.1:" + idle.start());
            ServeTest.send(idleBase, "GET", "/metrics", null);
            String metrics = ServeTest.send(idleBase, "GET", "/metrics", null).body();
            long lines = metrics.lines().count();
            assertTrue(lines <= 300, lines + " lines:\n" + metrics);
            long buckets = metrics.lines().filter(l -> l.startsWith("eventstore_append_seconds_bucket{")
                    && l.contains("source=\"push\"")).count();
            assertEquals(12, buckets, metrics);
        } finally {
            idle.close();
        }
    }

    private static boolean streamEnded(String before, String now) {
        String live = "/users/{id}/projections/{name}/live";
        return sample(now, "eventstore_live_streams") == sample(before, "eventstore_live_streams")
                && sample(now, "http_server_requests_seconds_count", "route", live)
                > sample(before, "http_server_requests_seconds_count", "route", live);
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = ServeTest.send(base, "GET", "/metrics", null);
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static void assertMoved(double by, String before, String after, String name, String... labels) {
        assertEquals(by, sample(after, name, labels) - sample(before, name, labels),
                name + Arrays.toString(labels) + " in\n" + after);
    }

    /** The sum of the samples named {@code name} that have the given labels (name, value, ...); 0 for none. */
    static double sample(String text, String name, String... labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            Matcher label = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= labels[i + 1].equals(found.get(labels[i]));
            }
            if (all) {
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }
}
