package com.sevenmind.eventstore.codec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PubSubEnvelopeTest {

    private static final String SUBSCRIPTION = "projects/sevenmind-events/subscriptions/eventstore-ingest";

    private final ObjectMapper mapper = Json.newObjectMapper();

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A push body as Pub/Sub sends it, with {@code message} fields given as JSON members. */
    private static String push(String messageFields) {
        return "{\"message\":{" + messageFields + "},\"subscription\":\"" + SUBSCRIPTION + "\",\"deliveryAttempt\":1}";
    }

    private String failure(String body) {
        return assertThrows(InvalidEventException.class, () -> PubSubEnvelope.parse(mapper, body)).getMessage();
    }

    @Test
    void a_push_yields_the_decoded_data_and_the_message_id() {
        String event = RudderStackCodecTest.fixture("content-piece-started.json");
        String body = push("\"attributes\":{\"source\":\"android\"},\"data\":\"" + base64(event) + "\","
                + "\"messageId\":\"10384756291038475\",\"message_id\":\"10384756291038475\","
                + "\"publishTime\":\"2024-03-01T07:15:05.912Z\",\"publish_time\":\"2024-03-01T07:15:05.912Z\"");

        PubSubEnvelope envelope = PubSubEnvelope.parse(mapper, body);

        assertEquals(new PubSubEnvelope("10384756291038475", event, Instant.parse("2024-03-01T07:15:05.912Z"),
                Map.of("source", "android"), SUBSCRIPTION, 1, null), envelope);
        // The way in: RudderStack's messageId is the unique id, so a redelivery and a second publish of the same
        // event (a RudderStack retry, which Pub/Sub gives a new message id) are both duplicates.
        RudderStackCodec.Parsed parsed =
                new RudderStackCodec(mapper).parse(envelope.data(), envelope.messageId());
        assertEquals("1709277420123-4b1e6c2a-7f3d-4e8a-9b0c-5d6e7f8a9b0c",
                ((RudderStackCodec.Accepted) parsed).event().uniqueId());
    }

    @Test
    void snake_case_id_and_time_alone_are_accepted() {
        PubSubEnvelope envelope = PubSubEnvelope.parse(mapper, push("\"data\":\"" + base64("{}") + "\","
                + "\"message_id\":\"42\",\"publish_time\":\"2024-03-01T07:15:05.912345678Z\""));

        assertEquals(new PubSubEnvelope("42", "{}", Instant.parse("2024-03-01T07:15:05.912345678Z"), Map.of(),
                SUBSCRIPTION, 1, null), envelope);
    }

    @Test
    void the_delivery_attempt_and_ordering_key_are_read_in_either_spelling() {
        String data = "\"data\":\"" + base64("{}") + "\",\"messageId\":\"42\"";
        String camel = "{\"message\":{" + data + ",\"orderingKey\":\"user-7\"},\"deliveryAttempt\":3}";
        String snake = "{\"message\":{" + data + ",\"ordering_key\":\"user-7\"},\"delivery_attempt\":3}";

        for (String body : List.of(camel, snake)) {
            PubSubEnvelope envelope = PubSubEnvelope.parse(mapper, body);
            assertEquals(3, envelope.deliveryAttempt());
            assertEquals("user-7", envelope.orderingKey());
        }
        assertEquals("field deliveryAttempt: '\"3\"' is not a whole number from 1",
                failure("{\"message\":{" + data + "},\"deliveryAttempt\":\"3\"}"));
    }

    @Test
    void data_that_is_not_base64_is_refused() {
        assertEquals("field message.data is not valid base64",
                failure(push("\"data\":\"not base64!\",\"messageId\":\"42\"")));
    }

    @Test
    void a_body_without_a_message_is_refused() {
        assertEquals("field message is missing", failure("{\"subscription\":\"" + SUBSCRIPTION + "\"}"));
    }

    @Test
    void a_message_without_an_id_or_data_is_refused() {
        assertEquals("field message.messageId is missing", failure(push("\"data\":\"" + base64("{}") + "\"")));
        assertEquals("field message.data is missing", failure(push("\"messageId\":\"42\"")));
    }

    @Test
    void an_unreadable_publish_time_is_refused_by_name() {
        assertEquals("field message.publishTime: 'yesterday' is not an ISO-8601 date-time with Z or an offset, "
                        + "e.g. 2024-03-01T07:15:00.123456Z",
                failure(push("\"data\":\"\",\"messageId\":\"42\",\"publishTime\":\"yesterday\"")));
    }

    @Test
    void a_body_that_is_not_json_is_refused_as_a_whole() {
        assertEquals("not a JSON object", failure("\"message\""));
    }
}
