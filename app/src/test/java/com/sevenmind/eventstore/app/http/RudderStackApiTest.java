package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.ingest.RudderStackIngest;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RudderStack's HTTP API: {@code POST /v1/track} and {@code /v1/batch}, as its SDKs call them. */
class RudderStackApiTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final String WRITE_KEY = "2Ab9wr1teKey";
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final String WRONG_KEY = "401 {\"error\":\"missing or wrong write key: send it as the user name of "
            + "HTTP Basic, with an empty password\"} Basic realm=\"eventstore\"";

    private static ServeTest.Served served;

    @BeforeAll
    static void start() {
        served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0)
                .withLimits(2, 16, 4_096, 2, HttpApi.Settings.CONNECTIONS), new IngestOptions(WRITE_KEY, false));
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":").getBytes(UTF_8));
    }

    /** The status, the body and the WWW-Authenticate header of the answer, on one line. */
    private static String post(URI base, String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        // A client of its own: a refusal sent before the body is read closes the connection, which a shared pool
        // could hand to the next request.
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
        ApiContract.check("POST", base.resolve(path), answer);
        return (answer.statusCode() + " " + answer.body().strip() + " "
                + answer.headers().firstValue("WWW-Authenticate").orElse("")).strip();
    }

    private static String post(String path, String body, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/json"));
        all.addAll(List.of(headers));
        return post(served.base(), path, body.getBytes(UTF_8), all.toArray(String[]::new));
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(UTF_8));
        }
        return bytes.toByteArray();
    }

    /** A call as RudderStack's SDKs send it: no timestamp, the device's originalTimestamp and its sentAt. */
    private static ObjectNode sdkCall(String messageId) {
        ObjectNode call;
        try {
            call = (ObjectNode) MAPPER.readTree(ServeTest.track("Content Piece Started", "x", "s-1", messageId));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        call.remove("timestamp");
        call.put("originalTimestamp", "2024-05-01T10:00:00Z").put("sentAt", "2024-05-01T10:00:05Z");
        return call;
    }

    private static String batch(ObjectNode... calls) {
        ObjectNode body = MAPPER.createObjectNode();
        ArrayNode batch = body.putArray("batch");
        List.of(calls).forEach(batch::add);
        return body.put("sentAt", "2024-05-01T10:00:05Z").toString();
    }

    private static List<Rejection> quarantined() {
        List<Rejection> rejections = new ArrayList<>();
        db.database().quarantine().list(null, rejections::add);
        return rejections;
    }

    @Test
    void the_write_key_is_the_user_name_of_http_basic() throws Exception {
        String call = sdkCall("rs-1").toString();

        assertEquals(WRONG_KEY, post("/v1/track", call));
        assertEquals(WRONG_KEY, post("/v1/track", call, "Authorization", basic("wrong")));
        assertEquals(WRONG_KEY, post("/v1/batch", batch(sdkCall("rs-1")), "Authorization", "Bearer " + WRITE_KEY));
        assertEquals(WRONG_KEY, post("/v1/track", call, "Authorization", "Basic "
                + Base64.getEncoder().encodeToString((WRITE_KEY + ":pw").getBytes(UTF_8))));
        assertEquals(0, db.store().count());

        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0,\"skipped\":0,\"quarantined\":0}",
                post("/v1/track", call, "Authorization", basic(WRITE_KEY)));
        // As RudderStack's HTTP API documents a track call: the endpoint says its type.
        ObjectNode untyped = sdkCall("rs-2");
        untyped.remove("type");
        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0,\"skipped\":0,\"quarantined\":0}",
                post("/v1/track", untyped.toString(), "Authorization", basic(WRITE_KEY)));
    }

    @Test
    void without_a_write_key_v1_takes_the_bearer_token_as_events_does() throws Exception {
        try (ServeTest.Served guarded = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0)
                .withTokens("s3cret", null))) {
            byte[] call = sdkCall("rs-1").toString().getBytes(UTF_8);

            assertEquals("401 {\"error\":\"missing or wrong bearer token\"} Bearer", post(guarded.base(),
                    "/v1/track", call, "Content-Type", "application/json", "Authorization", basic("s3cret")));
            assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0,\"skipped\":0,\"quarantined\":0}",
                    post(guarded.base(), "/v1/track", call, "Content-Type", "application/json",
                            "Authorization", "Bearer s3cret"));
        }
    }

    @Test
    void each_call_of_a_batch_stands_alone_and_the_same_batch_again_is_duplicates() throws Exception {
        ObjectNode good = sdkCall("rs-1");
        ObjectNode completed = sdkCall("rs-2").put("event", "Content Piece Completed")
                .put("timestamp", "2024-05-01T10:30:00Z");
        ObjectNode bad = sdkCall("rs-3");
        ((ObjectNode) bad.get("context")).remove("timezone");
        ObjectNode anonymous = sdkCall("rs-4");
        anonymous.remove("userId");
        ObjectNode identify = MAPPER.createObjectNode().put("type", "identify").put("userId", USER.toString());
        String body = batch(good, bad, completed, anonymous, identify);

        String answer = post("/v1/batch", body, "Authorization", basic(WRITE_KEY));

        assertEquals("200 {\"stored\":2,\"duplicates\":0,\"conflicts\":0,\"skipped\":1,\"quarantined\":2}", answer);
        List<Event> stored = new ArrayList<>();
        db.store().stream(USER, r -> stored.add(r.event()));
        assertEquals(List.of("rs-1", "rs-2"), stored.stream().map(Event::uniqueId).toList());
        // Without a timestamp, the device's: a retry must give the same event, whenever it arrives.
        assertEquals(Instant.parse("2024-05-01T10:00:00Z"), stored.get(0).timestamp());
        assertEquals(Instant.parse("2024-05-01T10:30:00Z"), stored.get(1).timestamp());
        List<Rejection> kept = quarantined();
        assertEquals(List.of("http POST /v1/batch 2 rudderstack field context.timezone is missing",
                        "http POST /v1/batch 4 rudderstack anonymous event: no userId (anonymousId 'a-1')"),
                kept.stream().map(r -> r.source() + " " + r.line() + " " + r.inputFormat() + " " + r.reason())
                        .toList());
        // Kept with the timestamp it was read with, for a retry; without the receivedAt of this attempt.
        ObjectNode keptCall = (ObjectNode) MAPPER.readTree(kept.get(0).input());
        assertEquals(bad.deepCopy().put("timestamp", "2024-05-01T10:00:00Z"), keptCall);

        assertEquals("200 {\"stored\":0,\"duplicates\":2,\"conflicts\":0,\"skipped\":1,\"quarantined\":2}",
                post("/v1/batch", body, "Authorization", basic(WRITE_KEY)));
        assertEquals(2, db.store().count());
        assertEquals(2, quarantined().size(), "the bad calls sent again are kept once");
    }

    @Test
    void a_gzip_body_is_read_whatever_type_it_declares_and_the_limit_holds_for_what_it_decompresses_to()
            throws Exception {
        String auth = basic(WRITE_KEY);
        String form = "application/x-www-form-urlencoded"; // what RudderStack's Node SDK declares its gzip body as

        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0,\"skipped\":0,\"quarantined\":0}",
                post(served.base(), "/v1/batch", gzip(batch(sdkCall("rs-1"))), "Content-Type", form,
                        "Content-Encoding", "gzip", "Authorization", auth));
        assertEquals("415 {\"error\":\"Content-Type must be application/json, was '" + form + "'\"}",
                post(served.base(), "/v1/batch", batch(sdkCall("rs-2")).getBytes(UTF_8), "Content-Type", form,
                        "Authorization", auth));
        assertEquals("415 {\"error\":\"Content-Encoding must be gzip or none, was 'br'\"}",
                post("/v1/batch", batch(sdkCall("rs-2")), "Content-Encoding", "br", "Authorization", auth));
        byte[] bomb = gzip(batch(sdkCall("rs-3").put("pad", "x".repeat(10_000))));
        assertTrue(bomb.length < 4_096, bomb.length + " bytes");
        assertEquals("413 {\"error\":\"request body is over the limit of 4,096 bytes (decompressed)\"}",
                post(served.base(), "/v1/batch", bomb, "Content-Type", form, "Content-Encoding", "gzip",
                        "Authorization", auth));
        assertEquals(1, db.store().count());
    }

    @Test
    void with_nack_rejected_a_request_with_a_quarantined_call_is_400_and_its_valid_calls_are_stored()
            throws Exception {
        try (ServeTest.Served nacking = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0),
                new IngestOptions(WRITE_KEY, true))) {
            ObjectNode bad = sdkCall("rs-2");
            bad.remove("messageId");

            assertEquals("400 {\"error\":\"event 2: field messageId is missing (stored 1, quarantined 1, "
                    + "conflicts 0)\"}", post(nacking.base(), "/v1/batch", batch(sdkCall("rs-1"), bad)
                    .getBytes(UTF_8), "Content-Type", "application/json", "Authorization", basic(WRITE_KEY)));
            assertEquals("400 {\"error\":\"request body is not a JSON object with a \\\"batch\\\" array\"}",
                    post(nacking.base(), "/v1/batch", "[]".getBytes(UTF_8), "Content-Type", "application/json",
                            "Authorization", basic(WRITE_KEY)));
        }
        assertEquals(1, db.store().count());
        assertEquals(List.of("field messageId is missing", "request body is not a JSON object with a \"batch\" array"),
                quarantined().stream().map(Rejection::reason).toList());
        assertEquals("200 {\"stored\":0,\"duplicates\":0,\"conflicts\":0,\"skipped\":0,\"quarantined\":1}",
                post("/v1/track", "not json", "Authorization", basic(WRITE_KEY)));
    }

    @Test
    void a_call_is_read_with_the_time_of_receipt_and_the_devices_timestamp_unless_it_has_its_own() throws Exception {
        ObjectNode call = sdkCall("rs-1");
        Instant receipt = Instant.parse("2026-01-01T00:00:00Z");

        assertEquals(call.deepCopy().put("receivedAt", "2026-01-01T00:00:00Z").put("timestamp", "2024-05-01T10:00:00Z"),
                MAPPER.readTree(RudderStackIngest.completed(call, receipt)));
        ObjectNode own = call.deepCopy().put("receivedAt", "2025-01-01T00:00:00Z")
                .put("timestamp", "2024-05-01T09:00:00Z");
        assertEquals(own, MAPPER.readTree(RudderStackIngest.completed(own, receipt)));
    }
}
