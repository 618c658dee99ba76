package com.sevenmind.eventstore.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.plugin.SubscriptionPurchased;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A read that names the payload fields its projections read decodes those, and what a record requires. */
class PayloadFieldsTest {

    private static final UUID USER = UUID.fromString("3f2b8c4e-9d1a-4e7b-a5c6-0f1e2d3c4b5a");
    private static final Instant AT = Instant.parse("2024-03-01T07:15:00.123456Z");
    private static final String URI = "sevenmind://content/course/c1/item/i2/recording/r3";

    private static final int CURRENT = EventCodec.CURRENT_SCHEMA_VERSION;

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final EventCodec codec = new EventCodec(mapper, List.of(), List.of(new SubscriptionPurchased.Type()));
    private final ContentPieceCompleted completed =
            new ContentPieceCompleted(USER, "u-1", "s-1", AT, "Europe/Berlin", "de-DE", Content.parse(URI), 42.5);

    private Event read(Event event, int version, Set<String> fields) {
        return codec.fromStored(event.eventType(), codec.storedVersion(event, version), USER, "u-1", AT,
                codec.payload(event, version).getBytes(StandardCharsets.UTF_8), fields);
    }

    @Test
    void a_content_piece_event_has_its_required_fields_and_the_named_ones_the_others_null() {
        ContentPieceCompleted expected = new ContentPieceCompleted(USER, "u-1", "s-1", AT, "Europe/Berlin", "de-DE",
                new Content("course", null, null, null, null, URI), null);

        assertEquals(expected, read(completed, CURRENT, Set.of("session_id", "content.kind")));
        assertEquals(new ContentPieceCompleted(USER, "u-1", "s-1", AT, "Europe/Berlin", "de-DE",
                new Content("course", null, null, null, "r3", URI), 42.5),
                read(completed, CURRENT, Set.of("content.recording_id", "position_seconds")));
        assertEquals(new ContentPieceCompleted(USER, "u-1", "s-1", AT, "Europe/Berlin", "de-DE", Content.parse(URI),
                null), read(completed, CURRENT, Set.of("content")), "an object's name reads all of it");
        assertEquals(completed, read(completed, CURRENT, Set.of()), "none named: all");
    }

    @Test
    void an_old_version_is_upcast_whole_then_read_as_named() {
        assertEquals(new ContentPieceCompleted(USER, "u-1", "s-1", AT, "Europe/Berlin", "de-DE",
                        new Content("course", null, "i2", null, null, URI), null),
                read(completed, 1, Set.of("content.item_id")));
    }

    @Test
    void a_generic_event_holds_only_the_named_fields_it_has() throws Exception {
        GenericEvent event = new GenericEvent("Application Opened", USER, "u-1", AT, 3, (ObjectNode) mapper.readTree(
                "{\"build\":7,\"device\":{\"os\":\"android\",\"model\":\"x\"},\"tags\":[\"a\"]}"));

        GenericEvent read = (GenericEvent) read(event, CURRENT,
                Set.of("build", "device.os", "missing", "tags.a"));

        assertEquals("{\"build\":7,\"device\":{\"os\":\"android\"}}", read.payload().toString());
        assertEquals(3, read.schemaVersion());
    }

    @Test
    void a_plug_in_record_is_read_whole() {
        SubscriptionPurchased purchased = new SubscriptionPurchased(USER, "u-1", AT, "yearly", 5999);

        assertEquals(purchased, read(purchased, CURRENT, Set.of("plan")));
    }
}
