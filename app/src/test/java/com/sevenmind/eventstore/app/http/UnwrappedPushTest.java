package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.ingest.Ingestion;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.app.ingest.Way;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pushes of a subscription with payload unwrapping, and how a quarantined push is answered, acked or not. */
class UnwrappedPushTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final String SOURCE = "http POST /pubsub/push";
    private static final String ANONYMOUS = "anonymous event: no userId (anonymousId 'a-1')";
    /** Write metadata on: Google's headers, and one message attribute. */
    private static final String[] METADATA = {"x-goog-pubsub-message-id", "m-2",
            "x-goog-pubsub-publish-time", "2024-05-01T10:00:01Z",
            "x-goog-pubsub-subscription-name", "projects/p/subscriptions/eventstore", "App-Version", "1.2"};

    private static ServeTest.Served served;
    private static ServeTest.Served nacking;

    private final Cli cli = new Cli(db.jdbcUrl());

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        HttpApi.Settings settings = HttpApi.Settings.of("127.0.0.1", 0)
                .withLimits(2, 16, 1 << 20, 2, HttpApi.Settings.CONNECTIONS);
        served = ServeTest.serve(db.database(), settings);
        nacking = ServeTest.serve(db.database(), settings, new IngestOptions(null, true));
    }

    @AfterAll
    static void stop() {
        served.close();
        nacking.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    private static String event(String messageId, String timestamp) {
        return ServeTest.track("Content Piece Started", timestamp, "s-1", messageId);
    }

    private static String post(ServeTest.Served to, String body, String... headers) throws Exception {
        HttpResponse<String> answer = ServeTest.send(to.base(), "POST", "/pubsub/push", body, headers);
        return answer.statusCode() + " " + answer.body().strip();
    }

    private static List<Rejection> quarantined() {
        List<Rejection> rejections = new ArrayList<>();
        db.database().quarantine().list(null, rejections::add);
        return rejections;
    }

    @Test
    void an_unwrapped_push_with_metadata_headers_is_stored_under_rudderstacks_message_id() throws Exception {
        assertEquals("200 {\"result\":\"stored\"}", post(served, event("rs-1", "2024-05-01T10:00:00Z"), METADATA));

        assertEquals(1, db.store().count());
        // The same RudderStack id wrapped by another message: the same event.
        assertEquals("200 {\"result\":\"duplicate\"}",
                post(served, ServeTest.push("m-9", event("rs-1", "2024-05-01T10:00:00Z"))));
        assertEquals(List.of(), quarantined());
    }

    @Test
    void the_same_event_wrapped_unwrapped_and_unwrapped_without_metadata_is_stored_once() throws Exception {
        String event = event("rs-1", "2024-05-01T10:00:00Z");

        assertEquals("200 {\"result\":\"stored\"}", post(served, ServeTest.push("m-1", event)));
        assertEquals("200 {\"result\":\"duplicate\"}", post(served, event, METADATA));
        assertEquals("200 {\"result\":\"duplicate\"}", post(served, event));

        assertEquals(1, db.store().count());
    }

    @Test
    void the_envelope_of_an_unwrapped_push_holds_its_metadata_and_attributes_but_no_standard_header() throws Exception {
        org.eclipse.jetty.http.HttpFields headers = org.eclipse.jetty.http.HttpFields.build()
                .add("Host", "localhost").add("Content-Type", "application/json").add("User-Agent", "CloudPubSub")
                .add("X-Forwarded-For", "10.0.0.1").add("x-goog-pubsub-message-id", "m-2")
                .add("x-goog-pubsub-ordering-key", "k").add("App-Version", "1.2");
        String event = event("rs-1", "2024-05-01T10:00:00Z");

        PushBody.Input input = PushBody.of(MAPPER, headers, event);

        assertEquals(Inputs.PUBSUB, input.format());
        assertEquals("{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(event.getBytes(UTF_8))
                + "\",\"messageId\":\"m-2\",\"orderingKey\":\"k\",\"attributes\":{\"App-Version\":\"1.2\"}}}",
                input.text());
        PushBody.Input unwrapped = PushBody.of(MAPPER, org.eclipse.jetty.http.HttpFields.build(), event);
        assertEquals(Inputs.RUDDERSTACK, unwrapped.format());
        assertEquals(event, unwrapped.text());
        assertEquals(MAPPER.readTree(event), unwrapped.json());
        assertEquals(MAPPER.readTree(input.text()), input.json());
        assertEquals(Inputs.PUBSUB, PushBody.of(MAPPER, headers, ServeTest.push("m-1", event)).format());
        assertFalse(PushBody.attribute("x-goog-pubsub-publish-time"));
        assertFalse(PushBody.attribute("Authorization"));
    }

    @Test
    void a_bad_unwrapped_push_is_quarantined_as_its_wrapped_envelope_and_retried_after_a_fix() throws Exception {
        assertEquals("200 {\"result\":\"stored\"}", post(served, event("rs-1", "2024-05-01T10:00:00Z")));
        String other = event("rs-1", "2024-05-01T11:00:00Z");

        assertEquals("200 {\"result\":\"quarantined\",\"reason\":\"conflict: 6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11/"
                + "rs-1 is stored with other content\"}", post(served, other, METADATA));

        Rejection kept = quarantined().get(0);
        assertEquals(List.of(SOURCE, "pubsub", "conflict"), List.of(kept.source(), kept.inputFormat(), kept.reason()));
        JsonNode envelope = MAPPER.readTree(kept.input());
        assertEquals(other, new String(Base64.getDecoder().decode(envelope.at("/message/data").asText()), UTF_8));
        assertEquals("{\"messageId\":\"m-2\",\"publishTime\":\"2024-05-01T10:00:01Z\",\"attributes\":"
                + "{\"App-Version\":\"1.2\"}}", ((ObjectNode) envelope.get("message").deepCopy()).without("data")
                .toString());
        assertEquals("projects/p/subscriptions/eventstore", envelope.get("subscription").asText());
        // The fix: the first event goes, so the second is no longer in conflict.
        db.sql().useHandle(h -> h.execute("DELETE FROM events"));
        Cli.Result retried = cli.run("rejected", "--retry", "--format", "json");
        assertEquals("{\"retried\":1,\"stored\":1,\"duplicates\":0,\"skipped\":0,\"conflicts\":0,\"still_rejected\":0}",
                retried.out().strip(), retried.toString());
    }

    @Test
    void an_unwrapped_push_without_any_message_id_is_quarantined_as_the_rudderstack_event() throws Exception {
        String event = event("rs-1", "2024-05-01T10:00:00Z").replace("\"messageId\":\"rs-1\",", "");

        assertEquals("200 {\"result\":\"quarantined\",\"reason\":\"field messageId is missing\"}", post(served, event));

        assertEquals(List.of(List.of(SOURCE, "rudderstack", event, "field messageId is missing")), quarantined()
                .stream().map(r -> List.of(r.source(), r.inputFormat(), r.input(), r.reason())).toList());
    }

    @Test
    void with_nack_rejected_a_quarantined_push_is_refused_400_and_a_conflict_409() throws Exception {
        assertEquals("200 {\"result\":\"stored\"}", post(nacking, event("rs-1", "2024-05-01T10:00:00Z")));

        assertEquals("400 {\"error\":\"field message.data is not valid base64\"}",
                post(nacking, "{\"message\":{\"data\":\"not base64!\",\"messageId\":\"m-1\"}}"));
        assertEquals("409 {\"error\":\"conflict: 6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11/rs-1 is stored with other "
                + "content\"}", post(nacking, event("rs-1", "2024-05-01T11:00:00Z"), METADATA));
        assertEquals(2, quarantined().size());
    }

    @Test
    void an_anonymous_event_has_its_own_reason_on_a_push_and_in_an_import() throws Exception {
        String anonymous = event("rs-1", "2024-05-01T10:00:00Z")
                .replace("\"userId\":\"6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11\",", "");

        assertEquals("200 {\"result\":\"quarantined\",\"reason\":\"" + ANONYMOUS + "\"}",
                post(served, ServeTest.push("m-1", anonymous)));
        assertEquals("400 {\"error\":\"" + ANONYMOUS + "\"}", post(nacking, anonymous, METADATA));
        Path file = dir.resolve("rs.jsonl");
        Files.writeString(file, anonymous + "\n");
        Cli.Result imported = cli.run("import", file.toString(), "--format", "rudderstack");

        assertEquals(3, imported.exit(), imported.toString());
        assertTrue(imported.err().contains("line 1: " + ANONYMOUS), imported.toString());
        assertEquals(List.of(ANONYMOUS, ANONYMOUS, ANONYMOUS), quarantined().stream().map(Rejection::reason).toList());
    }

    @Test
    void acknowledged_or_not_an_input_past_the_rate_is_429_and_past_the_cap_507() {
        AtomicLong clock = new AtomicLong();
        IngestAnswers open = IngestHardeningTest.answers(db, db.database().quarantine(), EnumSet.noneOf(Way.class),
                clock::get, false);
        for (int i = 0; i < Ingestion.BURST; i++) {
            assertEquals("quarantined",
                    open.push(new PushBody.Input(Inputs.PUBSUB, "not json " + i, null)).get("result"));
        }
        assertEquals(429, assertThrows(HttpError.class,
                () -> open.push(new PushBody.Input(Inputs.PUBSUB, "not json, one too many", null))).status());

        IngestAnswers capped = IngestHardeningTest.answers(db, db.database().quarantine().capped(2_000),
                EnumSet.allOf(Way.class), clock::get, false);
        db.clear();
        assertEquals("quarantined",
                capped.push(new PushBody.Input(Inputs.PUBSUB, "a".repeat(1_500), null)).get("result"));
        HttpError full = assertThrows(HttpError.class,
                () -> capped.push(new PushBody.Input(Inputs.PUBSUB, "b".repeat(1_000), null)));
        assertEquals(507, full.status());
        assertTrue(full.getMessage().endsWith("; quarantine full for source " + SOURCE + "; not kept"),
                full.getMessage());
    }
}
