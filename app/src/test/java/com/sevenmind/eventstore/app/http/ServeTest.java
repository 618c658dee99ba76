package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.Mutations;
import com.sevenmind.eventstore.app.Plugins;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against a real database, through a real HTTP client: {@link HttpApi} on a free port. */
class ServeTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final String PUSH_SOURCE = "http POST /pubsub/push";
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final EventCodec CODEC = new EventCodec(MAPPER);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Served served;

    /** A started API and where it listens. */
    record Served(HttpApi api, URI base) implements AutoCloseable {
        @Override
        public void close() {
            api.close();
        }
    }

    private static Served serve(Database database, String token, int threads, int queue) {
        return serve(database, token, threads, queue, 8);
    }

    private static Served serve(Database database, String token, int threads, int queue, int streams) {
        return serve(database, HttpApi.Settings.of("127.0.0.1", 0).withTokens(token, null)
                .withLimits(threads, queue, 1 << 20, streams, HttpApi.Settings.CONNECTIONS));
    }

    static Served serve(Database database, HttpApi.Settings settings) {
        return serve(database, settings, IngestOptions.DEFAULT);
    }

    static Served serve(Database database, HttpApi.Settings settings, IngestOptions options) {
        Plugins plugins = Plugins.discover(ServeTest.class.getClassLoader());
        HttpApi api = HttpApi.create(database, CODEC, plugins.projections(), plugins.globals(), MAPPER,
                settings, options, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        return new Served(api, URI.create("http://127.0.0.1:" + api.start()));
    }

    @BeforeAll
    static void start() {
        served = serve(db.database(), null, 8, 256);
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    // --- requests and answers

    /** Sends a request and checks its answer against the API's OpenAPI document. */
    static HttpResponse<String> send(URI base, String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (method.equals("POST") && !List.of(headers).contains("Content-Type")) {
            request.header("Content-Type", "application/json"); // as every client of the API must send
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        ApiContract.check(method, base.resolve(path), response);
        return response;
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(served.base(), "POST", path, body);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(served.base(), "GET", path, null);
    }

    /** The status and the exact JSON text of the answer, one line. */
    private static void assertAnswer(int status, String json, HttpResponse<String> response) {
        assertEquals(status + " " + json + "\n", response.statusCode() + " " + response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
    }

    // --- inputs

    /** A RudderStack track call for USER, as the app sends it. */
    static String track(String event, String timestamp, String session) {
        return track(event, timestamp, session, "rs-" + session);
    }

    /** As {@link #track(String, String, String)}, with RudderStack's own id for the event. */
    static String track(String event, String timestamp, String session, String messageId) {
        ObjectNode node = MAPPER.createObjectNode().put("type", "track").put("event", event)
                .put("userId", USER.toString()).put("messageId", messageId).put("timestamp", timestamp)
                .put("anonymousId", "a-1");
        node.putObject("context").put("timezone", "Europe/Berlin").put("locale", "de-DE");
        node.putObject("properties").put("session_id", session)
                .put("object_uri", "sevenmind://content/single/abc12/recording/xyz34");
        return node.toString();
    }

    /** A Started event of session s-1; RudderStack's id for it follows its time, so two times are two events. */
    private static String started(String timestamp) {
        return track("Content Piece Started", timestamp, "s-1", "rs-" + timestamp);
    }

    /** A Pub/Sub push body around {@code data}. */
    static String push(String messageId, String data) {
        return "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(data.getBytes(UTF_8))
                + "\",\"messageId\":\"" + messageId + "\",\"publishTime\":\"2024-05-01T10:00:01Z\"},"
                + "\"subscription\":\"projects/p/subscriptions/eventstore\"}";
    }

    private static List<Rejection> quarantined() {
        List<Rejection> rejections = new ArrayList<>();
        db.database().quarantine().list(null, rejections::add);
        return rejections;
    }

    /** What matters of a kept rejection: where from, which line, which format, the input verbatim, why. */
    private static List<Rejection> withoutIdAndTime(List<Rejection> rejections) {
        return rejections.stream().map(r -> Rejection.of(r.source(), r.line(), r.inputFormat(), r.input(), r.reason()))
                .toList();
    }

    // --- fuzz

    @Test
    void thousands_of_mutated_pushes_and_event_batches_are_each_answered_stored_or_quarantined() throws Exception {
        // Behind a token, as a real push subscription: without one, the quarantine would keep only 10 bad inputs a
        // second, and this test is about every bad input being kept.
        try (Served guarded = serve(db.database(), "fuzz", 8, 256)) {
            fuzz((path, body) -> send(guarded.base(), "POST", path, body,
                    "Authorization", "Bearer fuzz"));
        }
    }

    private interface Poster {
        HttpResponse<String> post(String path, String body) throws IOException, InterruptedException;
    }

    private void fuzz(Poster poster) throws Exception {
        Random random = new Random(5);
        Map<Integer, Integer> statuses = new TreeMap<>();
        long storedAnswers = 0;
        long quarantinedAnswers = 0;
        Set<String> refused = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String track = track(i % 4 == 3 ? "Application Opened" : "Content Piece Started",
                    "2024-05-01T10:00:00Z", "s-" + i % 300);
            if (random.nextBoolean()) {
                track = Mutations.mutate(track, random);
            }
            String body = push("m-" + i % 1_500, track);
            if (random.nextInt(3) > 0) {
                body = Mutations.mutate(body, random);
            }
            HttpResponse<String> answer = poster.post("/pubsub/push", body);
            statuses.merge(answer.statusCode(), 1, Integer::sum);
            JsonNode json = MAPPER.readTree(answer.body());
            if (answer.statusCode() == 200 && json.get("result").asText().equals("quarantined")) {
                assertTrue(json.get("reason").isTextual(), answer.body());
                refused.add(body);
                quarantinedAnswers++;
            } else if (answer.statusCode() == 200) {
                assertTrue(json.has("result"), answer.body());
                storedAnswers += json.get("result").asText().equals("stored") ? 1 : 0;
            } else {
                assertTrue(answer.statusCode() == 400 || answer.statusCode() == 409, answer.statusCode() + " "
                        + answer.body());
                assertTrue(json.get("error").isTextual(), answer.body());
                refused.add(body);
            }
        }
        for (int i = 0; i < 300; i++) {
            String body = Mutations.mutate("[" + line("e-" + i, "2024-05-01T11:00:00Z") + ","
                    + line("f-" + i, "2024-05-01T11:00:01Z") + "]", random);
            HttpResponse<String> answer = poster.post("/events", body);
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 400, answer.statusCode() + " "
                    + answer.body());
            statuses.merge(answer.statusCode(), 1, Integer::sum);
            if (answer.statusCode() == 200) {
                storedAnswers += MAPPER.readTree(answer.body()).get("stored").asLong();
            }
        }

        // Both outcomes plentiful: the mutations neither broke every push nor left most of them intact.
        assertTrue(quarantinedAnswers > 400 && statuses.getOrDefault(200, 0) - quarantinedAnswers > 400,
                quarantinedAnswers + " quarantined, " + statuses);
        assertEquals(storedAnswers, db.store().count(), "every event answered stored is stored, nothing else");
        long pushRejections = quarantined().stream().filter(r -> r.source().equals(PUSH_SOURCE)).count();
        assertEquals(refused.size(), pushRejections, "every refused push body is kept, once");
    }

    // --- POST /pubsub/push

    @Test
    void a_push_is_stored_once_and_answered_duplicate_when_delivered_again() throws Exception {
        String body = push("m-1", started("2024-05-01T10:00:00Z"));

        assertAnswer(200, "{\"result\":\"stored\"}", post("/pubsub/push", body));
        assertAnswer(200, "{\"result\":\"duplicate\"}", post("/pubsub/push", body));

        assertEquals(1, db.store().count());
        assertEquals(List.of(), quarantined());
    }

    @Test
    void a_stored_push_is_projected_exactly_as_the_project_command_prints_it() throws Exception {
        assertAnswer(200, "{\"result\":\"stored\"}", post("/pubsub/push", push("m-1", started("2024-05-01T10:00:00Z"))));

        HttpResponse<String> all = get("/users/" + USER + "/projections");

        assertEquals(200, all.statusCode(), all.body());
        assertEquals(new Cli(db.jdbcUrl()).run("project", USER.toString(), "--format", "json").out(), all.body());
        assertEquals(1, MAPPER.readTree(all.body()).at("/projections/stats/total").asInt());

        // One projection; as_of given with an unencoded '+', as people type it; a late_after of their own.
        JsonNode one = MAPPER.readTree(get("/users/" + USER + "/projections/stats"
                + "?as_of=2999-01-01T01:00:00+01:00&late_after=PT2H").body());
        assertEquals(List.of("stats"), MAPPER.convertValue(one.get("projections"), Map.class).keySet().stream().toList());
        assertEquals("2999-01-01T00:00:00Z", one.get("as_of").asText());
        assertEquals(7200.0, one.at("/lateness/late_after_seconds").asDouble());
        assertEquals(1, one.at("/projections/stats/total").asInt());
    }

    @Test
    void one_rudderstack_event_published_twice_is_stored_once_whatever_the_pubsub_message_ids() throws Exception {
        // RudderStack retried a publish whose answer was lost: Pub/Sub gave the copy a message id of its own.
        String event = started("2024-05-01T10:00:00Z");

        assertAnswer(200, "{\"result\":\"stored\"}", post("/pubsub/push", push("111", event)));
        assertAnswer(200, "{\"result\":\"duplicate\"}", post("/pubsub/push", push("222", event)));

        assertEquals(1, db.store().count());
        List<String> ids = new ArrayList<>();
        db.store().stream(USER, e -> ids.add(e.uniqueId()));
        assertEquals(List.of("rs-2024-05-01T10:00:00Z"), ids);
    }

    @Test
    void an_event_without_a_rudderstack_message_id_is_keyed_by_the_pubsub_message_id() throws Exception {
        String anonymousId = started("2024-05-01T10:00:00Z").replace("\"messageId\":\"rs-2024-05-01T10:00:00Z\",", "");

        assertAnswer(200, "{\"result\":\"stored\"}", post("/pubsub/push", push("m-1", anonymousId)));
        assertAnswer(200, "{\"result\":\"duplicate\"}", post("/pubsub/push", push("m-1", anonymousId)));

        List<String> ids = new ArrayList<>();
        db.store().stream(USER, e -> ids.add(e.uniqueId()));
        assertEquals(List.of("m-1"), ids);
    }

    @Test
    void the_same_rudderstack_message_id_with_other_content_is_a_conflict_kept_in_the_quarantine() throws Exception {
        assertAnswer(200, "{\"result\":\"stored\"}", post("/pubsub/push", push("m-1", started("2024-05-01T10:00:00Z"))));
        String other = push("m-2", track("Content Piece Started", "2024-05-01T11:00:00Z", "s-1",
                "rs-2024-05-01T10:00:00Z"));

        assertAnswer(200, "{\"result\":\"quarantined\",\"reason\":\"conflict: " + USER
                + "/rs-2024-05-01T10:00:00Z is stored with other content\"}", post("/pubsub/push", other));

        assertEquals(1, db.store().count());
        assertEquals(List.of(Rejection.of(PUSH_SOURCE, null, "pubsub", other, "conflict")),
                withoutIdAndTime(quarantined()));
    }

    @Test
    void a_malformed_envelope_is_quarantined_verbatim_then_acknowledged() throws Exception {
        String body = "{\"message\":{\"data\":";
        String reason = "not valid JSON at column 20: Unexpected end-of-input within/between Object entries";

        assertAnswer(200, "{\"result\":\"quarantined\",\"reason\":\"" + reason + "\"}", post("/pubsub/push", body));

        assertEquals(List.of(Rejection.of(PUSH_SOURCE, null, "pubsub", body, reason)), withoutIdAndTime(quarantined()));
        assertEquals(0, db.store().count());
    }

    @Test
    void data_that_is_not_base64_is_quarantined_with_the_field_named() throws Exception {
        String body = "{\"message\":{\"data\":\"not base64!\",\"messageId\":\"m-1\"}}";

        assertAnswer(200, "{\"result\":\"quarantined\",\"reason\":\"field message.data is not valid base64\"}",
                post("/pubsub/push", body));

        assertEquals(List.of(Rejection.of(PUSH_SOURCE, null, "pubsub", body, "field message.data is not valid base64")),
                withoutIdAndTime(quarantined()));
    }

    @Test
    void a_call_that_is_not_a_content_piece_event_is_acknowledged_and_skipped() throws Exception {
        String identify = "{\"type\":\"identify\",\"userId\":\"" + USER + "\"}";

        assertAnswer(200, "{\"result\":\"skipped\",\"reason\":\"type identify is not a track call\"}",
                post("/pubsub/push", push("m-1", identify)));

        assertEquals(0, db.store().count());
        assertEquals(List.of(), quarantined());
    }

    @Test
    void a_body_over_the_limit_is_refused_413_and_its_first_64_kib_quarantined() throws Exception {
        String body = "x".repeat(3 << 20);

        assertAnswer(413, "{\"error\":\"request body is over the limit of 1,048,576 bytes\"}",
                post("/pubsub/push", body));

        assertEquals(List.of(Rejection.of(PUSH_SOURCE, null, "pubsub", "x".repeat(64 << 10),
                "request body is over the limit of 1,048,576 bytes")), withoutIdAndTime(quarantined()));
        // At the limit exactly, the body is read (and found to be no JSON).
        assertEquals(200, post("/pubsub/push", "x".repeat(1 << 20)).statusCode());
    }

    @Test
    void with_a_token_every_post_needs_it() throws Exception {
        try (Served guarded = serve(db.database(), "s3cret", 2, 16)) {
            String body = push("m-1", started("2024-05-01T10:00:00Z"));
            String refused = "{\"error\":\"missing or wrong bearer token\"}";

            assertAnswer(401, refused, send(guarded.base(), "POST", "/pubsub/push", body));
            assertAnswer(401, refused, send(guarded.base(), "POST", "/pubsub/push", body,
                    "Authorization", "Bearer s3cre"));
            assertAnswer(401, refused, send(guarded.base(), "POST", "/events", "[]", "Authorization", "s3cret"));
            assertEquals(0, db.store().count());

            assertAnswer(200, "{\"result\":\"stored\"}", send(guarded.base(), "POST", "/pubsub/push", body,
                    "Authorization", "Bearer s3cret"));
            assertAnswer(200, "{\"status\":\"ok\"}", send(guarded.base(), "GET", "/health", null));
        }
    }

    @Test
    void concurrent_pushes_and_redeliveries_store_every_event_exactly_once() throws Exception {
        int threads = 8;
        int perThread = 500;
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        List<Future<List<String>>> answers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            answers.add(clients.submit(() -> {
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    String at = Instant.parse("2024-05-01T10:00:00Z").plusSeconds(thread * 10_000L + i).toString();
                    String body = push("m-" + thread + "-" + i, track("Content Piece Started", at, thread + "-" + i));
                    HttpResponse<String> response = post("/pubsub/push", body);
                    seen.add(response.statusCode() + " " + response.body().strip());
                    if (i % 10 == 9) {
                        // Pub/Sub delivers at least once: some pushes come again, here at once.
                        HttpResponse<String> again = post("/pubsub/push", body);
                        seen.add(again.statusCode() + " " + again.body().strip());
                    }
                }
                return seen;
            }));
        }
        Map<String, Integer> counted = new TreeMap<>();
        for (Future<List<String>> f : answers) {
            f.get().forEach(a -> counted.merge(a, 1, Integer::sum));
        }
        clients.shutdown();

        assertEquals(Map.of("200 {\"result\":\"stored\"}", threads * perThread,
                "200 {\"result\":\"duplicate\"}", threads * perThread / 10), counted);
        assertEquals(threads * perThread, db.store().count());
    }

    // --- POST /events

    private static String line(String uniqueId, String timestamp) {
        return CODEC.toLine(TestEvents.started(USER, uniqueId, Instant.parse(timestamp)), false);
    }

    @Test
    void events_are_stored_all_or_nothing_and_each_invalid_one_is_quarantined() throws Exception {
        String bad = line("2", "2024-05-01T10:01:00Z").replace(USER.toString(), "not-a-uuid");
        String worse = "{\"event_type\":\"ContentPieceStopped\",\"user_id\":\"" + USER + "\",\"unique_id\":\"3\"}";

        assertAnswer(400, "{\"error\":\"event 2: field user_id: 'not-a-uuid' is not a UUID\"}", post("/events",
                "[" + line("1", "2024-05-01T10:00:00Z") + ",\n  " + bad + ", " + worse + "]"));

        assertEquals(0, db.store().count());
        assertEquals(List.of(
                Rejection.of("http POST /events", 2L, "native", bad, "field user_id: 'not-a-uuid' is not a UUID"),
                Rejection.of("http POST /events", 3L, "native", worse, "field timestamp is missing")),
                withoutIdAndTime(quarantined()));
    }

    @Test
    void valid_events_are_appended_together_with_duplicates_and_conflicts_counted() throws Exception {
        String one = line("1", "2024-05-01T10:00:00Z");
        String two = line("2", "2024-05-01T10:01:00Z");
        String otherOne = line("1", "2024-05-01T12:00:00Z");

        assertAnswer(200, "{\"stored\":2,\"duplicates\":1,\"conflicts\":0}", post("/events",
                "[" + one + "," + two + "," + one + "]"));
        assertAnswer(200, "{\"stored\":0,\"duplicates\":1,\"conflicts\":1}", post("/events",
                "[" + two + "," + otherOne + "]"));
        assertAnswer(200, "{\"stored\":0,\"duplicates\":0,\"conflicts\":0}", post("/events", "[]"));

        assertEquals(2, db.store().count());
        assertEquals(List.of(Rejection.of("http POST /events", 2L, "native", otherOne, "conflict")),
                withoutIdAndTime(quarantined()));
    }

    @Test
    void a_body_that_is_not_a_json_array_is_quarantined_whole() throws Exception {
        String object = line("1", "2024-05-01T10:00:00Z");

        assertAnswer(400, "{\"error\":\"request body is not a JSON array of events\"}", post("/events", object));
        assertAnswer(400, "{\"error\":\"request body is not valid JSON at line 1, column 4: Unexpected end-of-input: "
                + "expected close marker for Array\"}", post("/events", "[{}"));

        assertEquals(List.of(
                Rejection.of("http POST /events", null, "native", object, "request body is not a JSON array of events"),
                Rejection.of("http POST /events", null, "native", "[{}", "request body is not valid JSON at line 1, "
                        + "column 4: Unexpected end-of-input: expected close marker for Array")),
                withoutIdAndTime(quarantined()));
    }

    // --- GET

    @Test
    void projections_are_listed_as_the_projections_command_prints_them_but_with_the_jars_file_name_only()
            throws Exception {
        HttpResponse<String> response = get("/projections");

        assertEquals(200, response.statusCode());
        JsonNode listed = MAPPER.readTree(new Cli(db.jdbcUrl()).run("projections", "--format", "json").out());
        listed.forEach(row -> ((ObjectNode) row).put("jar", Path.of(row.get("jar").asText()).getFileName().toString()));
        assertEquals(listed.toString() + "\n", response.body());
        MAPPER.readTree(response.body()).forEach(row -> assertTrue(!row.get("jar").asText().contains("/"), row + ""));
    }

    @Test
    void bad_requests_for_projections_are_refused_with_the_reason() throws Exception {
        assertAnswer(404, "{\"error\":\"unknown projection 'nope'; known: history, stats\"}",
                get("/users/" + USER + "/projections/nope"));
        assertAnswer(400, "{\"error\":\"user id 'me' is not a UUID\"}", get("/users/me/projections"));
        assertAnswer(400, "{\"error\":\"as_of: 'yesterday' is not an ISO-8601 date-time with Z or an offset, "
                + "e.g. 2024-03-01T07:15:00Z\"}", get("/users/" + USER + "/projections?as_of=yesterday"));
        assertAnswer(400, "{\"error\":\"late_after: '1h' is not an ISO-8601 duration, e.g. PT1H\"}",
                get("/users/" + USER + "/projections?late_after=1h"));
        assertAnswer(400, "{\"error\":\"unknown query parameter 'asof'; known: as_of, late_after, late_from\"}",
                get("/users/" + USER + "/projections?asof=2024-05-01T10:00:00Z"));
    }

    @Test
    void top_users_are_listed_as_the_users_command_prints_them() throws Exception {
        UUID other = UUID.fromString("0b1e5c2a-4d3f-4e6a-9b8c-7d6e5f4a3b21");
        db.store().append(List.of(TestEvents.started(USER, "1", Instant.parse("2024-05-01T10:00:00Z")),
                TestEvents.completed(USER, "2", Instant.parse("2024-05-01T10:10:00Z")),
                TestEvents.started(other, "3", Instant.parse("2024-05-01T10:00:00Z"))));
        Cli cli = new Cli(db.jdbcUrl());

        assertEquals(cli.run("users", "--format", "json").out(), get("/users").body());
        assertEquals(cli.run("users", "--top", "1", "--format", "json").out(), get("/users?limit=1").body());
        assertAnswer(400, "{\"error\":\"limit: '0' is not a whole number from 1 to 1000\"}", get("/users?limit=0"));
        assertAnswer(400, "{\"error\":\"limit: 'ten' is not a whole number from 1 to 1000\"}",
                get("/users?limit=ten"));
        assertAnswer(400, "{\"error\":\"unknown query parameter 'top'; known: limit\"}", get("/users?top=3"));
    }

    @Test
    void the_inspector_page_and_every_file_it_names_are_served_with_their_media_types() throws Exception {
        HttpResponse<String> page = get("/");

        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(null));
        Map<String, String> types = Map.of("js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");
        Matcher named = Pattern.compile("(?:src|href)=\"(/inspector/[^\"]+)\"")
                .matcher(page.body());
        Set<String> files = new HashSet<>();
        while (named.find()) {
            HttpResponse<String> file = get(named.group(1));
            String extension = named.group(1).substring(named.group(1).lastIndexOf('.') + 1);
            assertEquals(200 + " " + types.get(extension),
                    file.statusCode() + " " + file.headers().firstValue("Content-Type").orElse(null), named.group(1));
            files.add(named.group(1));
        }
        assertEquals(Set.of("/inspector/inspector.js", "/inspector/global.js", "/inspector/inspector.css"), files);
    }

    @Test
    void nothing_but_the_pages_own_files_is_served() throws Exception {
        assertAnswer(404, "{\"error\":\"no such file: /inspector/nope.js\"}", get("/inspector/nope.js"));
        assertAnswer(404, "{\"error\":\"no such file: /inspector/\"}", get("/inspector/"));
        // An encoded '/' is refused before routing: it could make a name reach another directory.
        assertAnswer(400, "{\"error\":\"Ambiguous URI path separator\"}", get("/inspector/..%2fapp%2fHttpApi.class"));
        assertAnswer(400, "{\"error\":\"Ambiguous URI path separator\"}", get("/inspector/%2e%2e%2flogback.xml"));
        assertAnswer(405, "{\"error\":\"method POST is not allowed on /; use GET\"}", post("/", ""));
    }

    @Test
    void unknown_paths_and_wrong_methods_are_answered_in_json() throws Exception {
        assertAnswer(404, "{\"error\":\"no such endpoint: /nope\"}", get("/nope"));
        HttpResponse<String> wrong = get("/pubsub/push");
        assertAnswer(405, "{\"error\":\"method GET is not allowed on /pubsub/push; use POST\"}", wrong);
        assertEquals("POST", wrong.headers().firstValue("Allow").orElse(null));
        assertAnswer(405, "{\"error\":\"method DELETE is not allowed on /health; use GET\"}",
                send(served.base(), "DELETE", "/health", null));
        HttpResponse<String> head = send(served.base(), "HEAD", "/health", null);
        assertEquals("200 ", head.statusCode() + " " + head.body()); // HEAD: as GET, without the body
    }

    // --- load and failures

    @Test
    void with_every_worker_busy_and_the_queue_full_a_request_is_refused_at_once() throws Exception {
        try (Served one = serve(db.database(), null, 1, 1);
             Connection locker = DriverManager.getConnection(db.jdbcUrl())) {
            // A worker waits on the database: listing users needs the events table, locked here.
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE eventstore.events IN ACCESS EXCLUSIVE MODE");
            ExecutorService clients = Executors.newFixedThreadPool(2);
            Future<HttpResponse<String>> working = clients.submit(() -> send(one.base(), "GET", "/users", null));
            awaitMetric(one, "eventstore_http_requests_waiting 0.0", "lock waits", () -> lockWaits(locker) == 1);
            Future<HttpResponse<String>> waiting = clients.submit(() -> send(one.base(), "GET", "/users", null));
            awaitMetric(one, "eventstore_http_requests_waiting 1.0", "the queue", () -> true);

            long start = System.nanoTime();
            HttpResponse<String> refused = send(one.base(), "GET", "/health", null);

            assertAnswer(503, "{\"error\":\"server busy, try again\"}", refused);
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused at once");
            locker.rollback();
            assertAnswer(200, "[]", working.get(10, TimeUnit.SECONDS));
            assertAnswer(200, "[]", waiting.get(10, TimeUnit.SECONDS));
            assertAnswer(200, "{\"status\":\"ok\"}", send(one.base(), "GET", "/health", null));
            clients.shutdown();
        }
    }

    /**
     * Waits until {@code /metrics} (answered outside the workers' limit) shows {@code line} and {@code also} holds,
     * within 30 s.
     */
    private static void awaitMetric(Served served, String line, String what, BooleanSupplier also) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(send(served.base(), "GET", "/metrics", null).body().lines().anyMatch(line::equals)
                && also.getAsBoolean())) {
            assertTrue(System.nanoTime() < deadline, "waited 30 s for " + what + ": " + line);
            Thread.onSpinWait();
        }
    }

    /** Requests of other sessions waiting for a lock on the events table, seen from the session that holds it. */
    /**
     * The listings of users waiting for the lock on the events table: the global projections' keeper may wait for it
     * too, and is not counted.
     */
    private static int lockWaits(Connection locker) {
        try (var rs = locker.createStatement().executeQuery("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a "
                + "USING (pid) WHERE NOT l.granted AND l.relation = 'eventstore.events'::regclass "
                + "AND a.query LIKE '%GROUP BY user_uuid ORDER BY n DESC%'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void while_the_database_is_down_pushes_are_refused_503_and_stored_once_it_is_back(@TempDir Path dir)
            throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        EmbeddedPostgres postgres = postgres(dir, port);
        String url = postgres.getJdbcUrl("postgres", "postgres");
        try (Database database = Database.connect(url, null, null); Served api = serve(database, null, 8, 256)) {
            List<String> acknowledged = new ArrayList<>();
            assertAnswer(200, "{\"result\":\"stored\"}",
                    send(api.base(), "POST", "/pubsub/push", push("m-1", started("2024-05-01T10:00:00Z"))));
            acknowledged.add("rs-2024-05-01T10:00:00Z");

            postgres.close();
            String again = push("m-2", started("2024-05-01T10:05:00Z"));
            HttpResponse<String> down = send(api.base(), "POST", "/pubsub/push", again);
            assertEquals(503, down.statusCode(), down.body());
            // Where the database is, is for the log, not for clients.
            assertAnswer(503, "{\"error\":\"database unavailable\"}", down);
            assertAnswer(503, "{\"error\":\"database unavailable\"}", send(api.base(), "GET", "/health", null));

            postgres = postgres(dir, port);
            long deadline = System.nanoTime() + 10_000_000_000L;
            HttpResponse<String> back;
            while ((back = send(api.base(), "POST", "/pubsub/push", again)).statusCode() == 503
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertAnswer(200, "{\"result\":\"stored\"}", back);
            acknowledged.add("rs-2024-05-01T10:05:00Z");

            List<String> stored = new ArrayList<>();
            database.eventStore(CODEC).stream(USER, e -> stored.add(e.uniqueId()));
            assertEquals(acknowledged, stored);
        } finally {
            postgres.close();
        }
    }

    private static EmbeddedPostgres postgres(Path dir, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
    }

    // --- GET /users/{id}/projections/{name}/live

    /** A Server-Sent Events stream being read on a thread of its own, line by line. */
    static final class LiveStream implements AutoCloseable {

        private static final String END = "<end of stream>";

        final HttpResponse<Stream<String>> response;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Thread reader;
        private final String path;
        /** The id of the last event read by {@link #nextData}. */
        String lastId;

        LiveStream(URI base, String path, String... headers) throws IOException, InterruptedException {
            this.path = base.resolve(path).getRawPath();
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
            if (headers.length > 0) {
                request.headers(headers);
            }
            response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            ApiContract.check("GET", base.resolve(path).getRawPath(), response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), null);
            reader = new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException e) {
                    // closed by the test
                }
                lines.add(END);
            });
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * The JSON of the next {@code data:} line, passing over comments, blank lines and event names; checked against
         * the API's OpenAPI document.
         */
        String nextData() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String line;
            while ((line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                assertTrue(!line.equals(END), "the stream ended");
                if (line.startsWith("id: ")) {
                    lastId = line.substring("id: ".length());
                } else if (line.startsWith("data: ")) {
                    String data = line.substring("data: ".length());
                    ApiContract.checkStreamData(path, data);
                    return data;
                }
            }
            throw new AssertionError("no data line within 20 s");
        }

        /** Whether the server ended the stream within 20 s. */
        boolean ended() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String line;
            while ((line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                if (line.equals(END)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    @Test
    void a_live_stream_sends_the_projection_at_once_and_after_each_append_exactly_as_the_plain_get()
            throws Exception {
        String path = "/users/" + USER + "/projections/history";
        try (LiveStream live = new LiveStream(served.base(), path + "/live")) {
            assertEquals(200, live.response.statusCode());
            assertEquals("text/event-stream", live.response.headers().firstValue("Content-Type").orElse(null));
            assertEquals(get(path).body(), live.nextData() + "\n");

            assertEquals(200, post("/events", "[" + line("e-1", "2024-05-01T10:00:00Z") + "]").statusCode());
            String updated = live.nextData();

            assertEquals(get(path).body(), updated + "\n");
            assertEquals(1, MAPPER.readTree(updated).at("/event_count").asInt());

            db.store().append(TestEvents.completed(USER, "e-2", Instant.parse("2024-05-01T10:10:00Z")));
            assertEquals(2, MAPPER.readTree(live.nextData()).at("/event_count").asInt(),
                    "an append from elsewhere (here, the test) is sent too");
        }
    }

    @Test
    void every_live_event_has_an_id_and_a_client_that_reconnects_with_it_is_sent_only_what_changed()
            throws Exception {
        String path = "/users/" + USER + "/projections/stats/live";
        String had;
        try (LiveStream live = new LiveStream(served.base(), path)) {
            live.nextData();
            had = live.lastId;
        }
        assertTrue(had != null && had.matches("[0-9a-f]{16}"), "id: " + had);

        try (LiveStream resumed = new LiveStream(served.base(), path, "Last-Event-ID", had)) {
            assertEquals(200, post("/events", "[" + line("e-1", "2024-05-01T10:00:00Z") + "]").statusCode());
            assertEquals(1, MAPPER.readTree(resumed.nextData()).at("/event_count").asInt(),
                    "the first data after resuming is the change, not the state the client had");
            assertTrue(!had.equals(resumed.lastId), "a new state, a new id");
        }
        try (LiveStream behind = new LiveStream(served.base(), path, "Last-Event-ID", had)) {
            assertEquals(1, MAPPER.readTree(behind.nextData()).at("/event_count").asInt(),
                    "a client behind is sent the current state at once");
        }
    }

    @Test
    void a_live_stream_is_refused_as_the_plain_get_is() throws Exception {
        assertAnswer(404, "{\"error\":\"unknown projection 'nope'; known: history, stats\"}",
                get("/users/" + USER + "/projections/nope/live"));
        assertAnswer(400, "{\"error\":\"user id 'me' is not a UUID\"}", get("/users/me/projections/stats/live"));
        assertAnswer(400, "{\"error\":\"unknown query parameter 'asof'; known: as_of, late_after, late_from\"}",
                get("/users/" + USER + "/projections/stats/live?asof=2024-05-01T10:00:00Z"));
        assertAnswer(405, "{\"error\":\"method POST is not allowed on /users/" + USER
                + "/projections/stats/live; use GET\"}", post("/users/" + USER + "/projections/stats/live", "{}"));
    }

    @Test
    void live_streams_hold_no_worker_are_capped_and_end_when_the_server_stops() throws Exception {
        Served one = serve(db.database(), null, 1, 1, 1);
        try (LiveStream live = new LiveStream(one.base(), "/users/" + USER + "/projections/stats/live")) {
            live.nextData();

            assertAnswer(200, "{\"status\":\"ok\"}", send(one.base(), "GET", "/health", null));
            HttpResponse<String> second = send(one.base(), "GET", "/users/" + USER + "/projections/stats/live", null);
            assertAnswer(503, "{\"error\":\"too many live streams (1), try again later\"}", second);
            assertEquals("1", second.headers().firstValue("Retry-After").orElse(null));

            one.close();
            assertTrue(live.ended(), "the stream ended when the server stopped");
        }
    }

    // --- the command

    @Test
    void serve_refuses_impossible_settings_as_a_usage_error() {
        Cli.Result result = new Cli(db.jdbcUrl()).run("serve", "--threads", "0");

        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().startsWith("--threads must be at least 1, was 0\n"), result.err());
    }
}
