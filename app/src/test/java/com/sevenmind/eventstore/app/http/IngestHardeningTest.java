package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.ingest.Ingestion;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.app.ingest.RudderStackIngest;
import com.sevenmind.eventstore.app.ingest.Way;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Quarantine;
import com.sevenmind.eventstore.store.Quarantine.Dropped;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs that used to wedge or crash HTTP ingestion (times PostgreSQL refuses, JSON nested 1,000 deep, events the
 * database refuses), and the bounds of the quarantine: its cap, and the rate without a token.
 */
class IngestHardeningTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final String PUSH_SOURCE = "http POST /pubsub/push";
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final EventCodec CODEC = new EventCodec(MAPPER);
    private static final String DEEP = "[".repeat(1_000) + "]".repeat(1_000);
    private static final String TOO_DEEP = "JSON nested deeper than 64 levels";

    private static ServeTest.Served served;

    @BeforeAll
    static void start() {
        // With --nack-rejected, so that each refusal shows in the answer's status and text.
        served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0)
                .withLimits(4, 64, 1 << 20, 4, HttpApi.Settings.CONNECTIONS), new IngestOptions(null, true));
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return ServeTest.send(served.base(), "POST", path, body);
    }

    private static String error(String message) {
        return MAPPER.createObjectNode().put("error", message).toString() + "\n";
    }

    private static String track(String timestamp, String session) {
        ObjectNode node = MAPPER.createObjectNode().put("type", "track").put("event", "Content Piece Started")
                .put("userId", USER.toString()).put("messageId", "rs-" + session).put("timestamp", timestamp);
        node.putObject("context").put("timezone", "Europe/Berlin").put("locale", "de-DE");
        node.putObject("properties").put("session_id", session)
                .put("object_uri", "sevenmind://content/single/abc12/recording/xyz34");
        return node.toString();
    }

    private static String push(String messageId, String data) {
        return "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(data.getBytes(UTF_8))
                + "\",\"messageId\":\"" + messageId + "\"}}";
    }

    private static String line(String uniqueId, String timestamp) {
        return "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"" + uniqueId + "\",\"user_id\":\"" + USER
                + "\",\"session_id\":\"s-1\",\"timestamp\":\"" + timestamp + "\",\"timezone\":\"Europe/Berlin\","
                + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\"}";
    }

    private static List<Rejection> quarantined() {
        List<Rejection> rejections = new ArrayList<>();
        db.database().quarantine().list(null, rejections::add);
        return rejections;
    }

    // --- finding 5: times PostgreSQL refuses

    @ParameterizedTest
    @ValueSource(strings = {"0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999-14:00"})
    void a_push_with_a_time_out_of_range_is_refused_400_and_quarantined_and_the_next_is_stored(String time)
            throws Exception {
        String bad = push("m-bad", track(time, "s-1"));

        HttpResponse<String> answer = post("/pubsub/push", bad);

        assertEquals(400, answer.statusCode(), answer.body());
        assertTrue(answer.body().startsWith(error("field timestamp: '" + time + "' is ").trim()
                .replaceAll("\"}$", "")), answer.body());
        assertTrue(answer.body().contains("in UTC, outside the range taken, 0001-01-01T00:00:00Z to "
                + "9999-12-31T23:59:59.999999Z"), answer.body());
        assertEquals(List.of(bad), quarantined().stream().map(Rejection::input).toList());
        assertEquals(200, post("/pubsub/push", push("m-good", track("9999-12-31T23:59:59.999999Z", "s-2")))
                .statusCode());
        assertEquals(1, db.store().count());
    }

    // --- finding 6: JSON nested deeper than Jackson's limit

    @Test
    void json_nested_1000_deep_is_refused_400_and_quarantined_on_every_endpoint() throws Exception {
        String events = "[" + line("1", "2024-05-01T10:00:00Z").replace("}", ",\"x\":" + DEEP + "}") + "]";
        String pushBody = "{\"message\":" + DEEP + "}";
        String inData = push("m-1", track("2024-05-01T10:00:00Z", "s-1").replace("}}", "},\"x\":" + DEEP + "}"));

        HttpResponse<String> a = post("/events", events);
        HttpResponse<String> b = post("/pubsub/push", pushBody);
        HttpResponse<String> c = post("/pubsub/push", inData);

        assertEquals("400 " + error("request body is " + TOO_DEEP), a.statusCode() + " " + a.body());
        assertEquals("400 " + error(TOO_DEEP), b.statusCode() + " " + b.body());
        assertEquals("400 " + error(TOO_DEEP), c.statusCode() + " " + c.body());
        assertEquals(List.of(events, pushBody, inData), quarantined().stream().map(Rejection::input).toList());
        assertEquals(0, db.store().count());
    }

    // --- events that pass validation but that PostgreSQL refuses

    /** A unique id too long for the key's index; random, so that PostgreSQL cannot compress it under the limit. */
    private static String tooLongId() {
        StringBuilder s = new StringBuilder();
        while (s.length() < 8_000) {
            s.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return s.toString();
    }

    private static final String REFUSED = "refused by the database: index row size \\d+ exceeds btree version 4 "
            + "maximum 2704 for index \"[a-z_]+\"";

    @Test
    void a_push_the_database_refuses_is_400_and_quarantined_not_503() throws Exception {
        // RudderStack's messageId is the unique id: one too long for the index is what the database refuses.
        String body = push("m-1", track("2024-05-01T10:00:00Z", "s-1").replace("\"rs-s-1\"", "\"" + tooLongId() + "\""));

        HttpResponse<String> answer = post("/pubsub/push", body);

        assertEquals(400, answer.statusCode(), answer.body());
        String reason = MAPPER.readTree(answer.body()).get("error").asText();
        assertTrue(reason.matches(REFUSED), reason);
        assertEquals(List.of(Rejection.of(PUSH_SOURCE, null, "pubsub", body, reason)),
                quarantined().stream().map(r -> Rejection.of(r.source(), r.line(), r.inputFormat(), r.input(),
                        r.reason())).toList());
    }

    @Test
    void events_with_one_the_database_refuses_store_nothing_and_name_it() throws Exception {
        String refused = line(tooLongId(), "2024-05-01T10:00:01Z");
        String body = "[" + line("1", "2024-05-01T10:00:00Z") + "," + refused + ","
                + line("3", "2024-05-01T10:00:02Z") + "]";

        HttpResponse<String> answer = post("/events", body);

        assertEquals(400, answer.statusCode(), answer.body());
        String message = MAPPER.readTree(answer.body()).get("error").asText();
        assertTrue(message.matches("event 2: " + REFUSED), message);
        assertEquals(0, db.store().count());
        List<Rejection> kept = quarantined();
        assertEquals(List.of(2L), kept.stream().map(Rejection::line).toList());
        assertEquals(refused, kept.get(0).input());
    }

    // --- finding 9: the quarantine's bounds

    private static IngestAnswers ingest(Quarantine quarantine, boolean authenticated, AtomicLong clock) {
        return answers(db, quarantine, authenticated ? EnumSet.allOf(Way.class) : EnumSet.noneOf(Way.class),
                clock::get, true);
    }

    /** The ways in over HTTP on {@code db}, without a server. */
    static IngestAnswers answers(TestDatabase db, Quarantine quarantine, Set<Way> authenticated,
                                 LongSupplier nanoClock, boolean nackRejected) {
        Inputs inputs = new Inputs(MAPPER, CODEC);
        Ingestion ingestion = new Ingestion(db.store(), quarantine, inputs, MAPPER, authenticated, nanoClock);
        return new IngestAnswers(ingestion, new RudderStackIngest(db.store(), inputs, MAPPER, ingestion,
                Instant::now), nackRejected);
    }

    /** A body sent to the push endpoint as a wrapped push. */
    private static PushBody.Input wrapped(String body) {
        return new PushBody.Input(Inputs.PUBSUB, body, Inputs.jsonObject(MAPPER, body));
    }

    private static HttpError refusal(Runnable request) {
        return assertThrows(HttpError.class, request::run);
    }

    @Test
    void without_a_token_past_the_rate_an_input_is_answered_429_not_kept_and_counted() {
        AtomicLong clock = new AtomicLong();
        IngestAnswers ingest = ingest(db.database().quarantine(), false, clock);
        for (int i = 0; i < Ingestion.BURST; i++) {
            String body = "not json " + i;
            assertEquals(400, refusal(() -> ingest.push(wrapped(body))).status());
        }

        HttpError over = refusal(() -> ingest.push(wrapped("not json, one too many")));

        assertEquals(429, over.status());
        assertEquals("not valid JSON at column 1: Unrecognized token 'not': was expecting (JSON String, Number, "
                + "Array, Object or token 'null', 'true' or 'false'); not kept: over 10 invalid inputs a second on "
                + "/pubsub/push without a token; send again later", over.getMessage());
        assertEquals(Ingestion.BURST, quarantined().size());
        List<Dropped> drops = db.database().quarantine().drops();
        assertEquals(List.of(PUSH_SOURCE, 1L, 22L), List.of(drops.get(0).source(), drops.get(0).inputs(),
                drops.get(0).bytes()));
        // A tenth of a second later there is room for one more; the other endpoint has a rate of its own.
        clock.addAndGet(100_000_000);
        assertEquals(400, refusal(() -> ingest.push(wrapped("not json either"))).status());
        assertEquals(429, refusal(() -> ingest.push(wrapped("not json again"))).status());
        assertEquals(400, refusal(() -> ingest.events("[1]")).status());
    }

    @Test
    void with_a_token_there_is_no_rate_and_bodies_are_kept_whole() {
        IngestAnswers ingest = ingest(db.database().quarantine(), true, new AtomicLong());
        String big = "x".repeat(100_000);
        for (int i = 0; i <= Ingestion.BURST; i++) {
            String body = big + i;
            assertEquals(400, refusal(() -> ingest.push(wrapped(body))).status());
        }
        assertEquals(Ingestion.BURST + 1, quarantined().size());
        assertEquals(100_001, quarantined().get(0).input().length());
    }

    @Test
    void without_a_token_a_body_is_kept_cut_to_its_first_64_kib_as_its_reason_says() {
        IngestAnswers ingest = ingest(db.database().quarantine(), false, new AtomicLong());

        refusal(() -> ingest.push(wrapped("x".repeat(100_000))));

        Rejection kept = quarantined().get(0);
        assertEquals("x".repeat(65_536), kept.input());
        assertTrue(kept.reason().endsWith(" (sent without a token: its first 65,536 of 100,000 characters kept)"),
                kept.reason());
    }

    @Test
    void past_its_cap_an_input_is_answered_507_not_kept_and_counted() {
        IngestAnswers ingest = ingest(db.database().quarantine().capped(2_000), true, new AtomicLong());
        assertEquals(400, refusal(() -> ingest.push(wrapped("a".repeat(1_500)))).status());

        HttpError full = refusal(() -> ingest.push(wrapped("b".repeat(1_000))));

        assertEquals(507, full.status());
        assertTrue(full.getMessage().endsWith("; quarantine full for source http POST /pubsub/push; not kept"),
                full.getMessage());
        assertEquals(1, quarantined().size());
        assertEquals(List.of(1L, 1_000L), db.database().quarantine().drops().stream()
                .flatMap(d -> java.util.stream.Stream.of(d.inputs(), d.bytes())).toList());
        // Still room for a small one.
        assertEquals(400, refusal(() -> ingest.push(wrapped("c".repeat(400)))).status());
    }

    @Test
    void rejected_prints_what_each_source_dropped_on_stderr() {
        db.database().quarantine().dropped(PUSH_SOURCE, 3, 4_096);

        Cli.Result result = new Cli(db.jdbcUrl()).run("rejected");

        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.err().matches("not kept from http POST /pubsub/push: 3 inputs, 4,096 bytes, the last at "
                + "\\S+Z\n"), result.err());
    }

    @Test
    void a_push_answer_says_so_when_stored() {
        IngestAnswers ingest = ingest(db.database().quarantine(), false, new AtomicLong());
        assertEquals(Map.of("result", "stored"), ingest.push(wrapped(push("m-1", track("2024-05-01T10:00:00Z", "s-1")))));
    }
}
