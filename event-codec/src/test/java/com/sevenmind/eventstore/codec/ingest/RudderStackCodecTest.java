package com.sevenmind.eventstore.codec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RudderStackCodecTest {

    private static final UUID ANDROID_USER = UUID.fromString("3f2b8c4e-9d1a-4e7b-a5c6-0f1e2d3c4b5a");
    private static final String ANDROID_SESSION = "b7e3c1d0-2a4f-4c6e-8d9b-1f0a3e5c7b92";
    private static final String SINGLE = "sevenmind://content/single/abc12/recording/xyz34";

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final RudderStackCodec codec = new RudderStackCodec(mapper);

    /** A fixture under src/test/resources/rudderstack/ as text. */
    static String fixture(String name) {
        try (InputStream in = RudderStackCodecTest.class.getResourceAsStream("/rudderstack/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Event accepted(String json, String fallbackUniqueId) {
        RudderStackCodec.Parsed parsed = codec.parse(json, fallbackUniqueId);
        return ((RudderStackCodec.Accepted) parsed).event();
    }

    /** The fixture with one change made, as JSON text: the way to break one field of a realistic payload. */
    private String changed(String name, Consumer<ObjectNode> change) {
        try {
            ObjectNode node = (ObjectNode) mapper.readTree(fixture(name));
            change.accept(node);
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String failure(String json) {
        return assertThrows(InvalidEventException.class, () -> codec.parse(json, null)).getMessage();
    }

    @Test
    void a_started_track_call_becomes_a_content_piece_started() {
        assertEquals(new ContentPieceStarted(ANDROID_USER, "1709277420123-4b1e6c2a-7f3d-4e8a-9b0c-5d6e7f8a9b0c",
                        ANDROID_SESSION, Instant.parse("2024-03-01T07:15:00.603Z"), "Europe/Berlin", "de-DE", SINGLE),
                accepted(fixture("content-piece-started.json"), null));
    }

    @Test
    void a_completed_track_call_becomes_a_content_piece_completed_with_its_position() {
        assertEquals(new ContentPieceCompleted(UUID.fromString("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
                        "1709278020456-C0FFEE12-3456-4789-ABCD-EF0123456789", "f0e1d2c3-b4a5-4968-8776-655443322110",
                        Instant.parse("2024-03-01T07:25:01.358Z"), "Europe/London", "en-GB",
                        new Content("course", "crs77", "itm05", null, "rec09",
                                "sevenmind://content/course/crs77/item/itm05/recording/rec09"), 612.4),
                accepted(fixture("content-piece-completed.json"), null));
    }

    @Test
    void a_cancelled_track_call_becomes_a_content_piece_cancelled_with_its_position() {
        assertEquals(new ContentPieceCancelled(ANDROID_USER, "1709277513900-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                        ANDROID_SESSION, Instant.parse("2024-03-01T07:16:34.381Z"), "Europe/Berlin", "de-DE",
                        Content.parse(SINGLE), 93.5),
                accepted(fixture("content-piece-cancelled.json"), null));
    }

    @Test
    void other_track_calls_are_kept_under_their_name_with_their_properties() throws JsonProcessingException {
        RudderStackCodec.Accepted accepted =
                (RudderStackCodec.Accepted) codec.parse(fixture("application-opened.json"), null);

        GenericEvent event = (GenericEvent) accepted.event();
        assertEquals("Application Opened", event.eventType());
        assertEquals(ANDROID_USER, event.userId());
        assertEquals(mapper.readTree("{\"build\":5120,\"from_background\":false,\"version\":\"5.12.0\"}"),
                event.payload());
        JsonNode kept = mapper.readTree(accepted.metadata().json()).get("rudderstack");
        assertEquals(false, kept.has("properties"), "the properties are the payload, kept once");
        assertEquals("Europe/Berlin", kept.at("/context/timezone").asText(), "the context is kept whole");
    }

    @Test
    void calls_other_than_track_are_skipped() {
        assertEquals(new RudderStackCodec.Skipped("type identify is not a track call"),
                codec.parse(fixture("identify.json"), null));
    }

    @Test
    void the_message_id_is_the_unique_id_and_the_fallback_serves_only_an_event_without_one() {
        // RudderStack keeps its messageId across its retries; Pub/Sub gives each publish a new id.
        assertEquals("1709277420123-4b1e6c2a-7f3d-4e8a-9b0c-5d6e7f8a9b0c",
                accepted(fixture("content-piece-started.json"), "10384756291038475").uniqueId());
        assertEquals("10384756291038475",
                accepted(changed("content-piece-started.json", node -> node.remove("messageId")),
                        "10384756291038475").uniqueId());
        assertEquals("field messageId is missing",
                failure(changed("content-piece-started.json", node -> node.remove("messageId"))));
    }

    @Test
    void the_timestamp_is_rudderstacks_corrected_time_not_the_device_clock() {
        Event event = accepted(fixture("content-piece-started.json"), null);

        assertEquals(Instant.parse("2024-03-01T07:15:00.603Z"), event.timestamp());
        assertNotEquals(Instant.parse("2024-03-01T07:17:00.123Z"), event.timestamp(), "originalTimestamp");
    }

    @Test
    void a_missing_time_zone_is_named_by_its_rudderstack_path() {
        assertEquals("field context.timezone is missing", failure(changed("content-piece-started.json",
                node -> ((ObjectNode) node.get("context")).remove("timezone"))));
    }

    @Test
    void an_unknown_time_zone_is_named_by_its_rudderstack_path() {
        assertEquals("field context.timezone: 'Mars/Olympus' is not an IANA time zone such as Europe/Berlin",
                failure(changed("content-piece-started.json",
                        node -> ((ObjectNode) node.get("context")).put("timezone", "Mars/Olympus"))));
    }

    @Test
    void a_user_id_that_is_not_a_uuid_is_refused() {
        assertEquals("field userId: 'abc' is not a UUID",
                failure(changed("content-piece-started.json", node -> node.put("userId", "abc"))));
        assertEquals("field userId: '1-2-3-4-5' is not a UUID",
                failure(changed("content-piece-started.json", node -> node.put("userId", "1-2-3-4-5"))));
    }

    @Test
    void a_missing_session_id_is_named_by_its_rudderstack_path() {
        assertEquals("field properties.session_id is missing", failure(changed("content-piece-started.json",
                node -> ((ObjectNode) node.get("properties")).remove("session_id"))));
    }

    @Test
    void a_bad_position_is_named_by_its_rudderstack_path() {
        assertEquals("field properties.position_seconds: '-1.0' is not a number of seconds, 0 or more",
                failure(changed("content-piece-completed.json",
                        node -> ((ObjectNode) node.get("properties")).put("position_seconds", -1))));
        assertEquals("field properties.position_seconds: '\"ten\"' is not a number",
                failure(changed("content-piece-completed.json",
                        node -> ((ObjectNode) node.get("properties")).put("position_seconds", "ten"))));
    }

    @Test
    void a_timestamp_without_an_offset_is_refused() {
        assertEquals("field timestamp: '2024-03-01T07:15:00.603' is not an ISO-8601 date-time with Z or an offset, "
                        + "e.g. 2024-03-01T07:15:00.123456Z",
                failure(changed("content-piece-started.json",
                        node -> node.put("timestamp", "2024-03-01T07:15:00.603"))));
    }

    @Test
    void invalid_json_and_non_objects_are_refused_as_a_whole() {
        // A line cut off in the middle of a string, as a truncated export ends.
        assertEquals("not valid JSON at column 27: Unexpected end-of-input: was expecting closing quote for a string "
                + "value", failure("{\"type\":\"track\",\"event\":\"C"));
        assertEquals("not a JSON object", failure("[\"track\"]"));
    }
}
