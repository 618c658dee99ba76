package com.sevenmind.eventstore.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Version-1 payloads as they were stored (golden files), upcast to version 2 and compared field by field. */
class UpcastingGoldenTest {

    private static final UUID USER = UUID.fromString("77777777-7777-4777-8777-777777777777");
    private static final Instant AT = Instant.parse("2024-02-29T23:59:59.999999Z");
    private final ObjectMapper mapper = Json.newObjectMapper();
    private final EventCodec codec = new EventCodec(mapper);

    private JsonNode golden(String path) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + path)) {
            assertNotNull(in, path);
            return mapper.readTree(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"started-single.json", "completed-course.json", "cancelled-other-uri.json"})
    void a_version_1_payload_upcasts_to_the_golden_version_2_payload(String name) throws IOException {
        JsonNode v1 = golden("v1/" + name);
        JsonNode v2 = golden("v2/" + name);
        String type = v1.get("event_type").asText();

        JsonNode upcast = mapper.readTree(codec.upcastPayload(type, v1.get("schema_version").asInt(),
                v1.get("payload").toString()));

        assertSameFields("payload", v2.get("payload"), upcast);
    }

    @ParameterizedTest
    @ValueSource(strings = {"started-single.json", "completed-course.json", "cancelled-other-uri.json"})
    void a_version_1_row_reads_as_the_same_event_as_its_version_2_row(String name) throws IOException {
        JsonNode v1 = golden("v1/" + name);
        JsonNode v2 = golden("v2/" + name);
        String type = v1.get("event_type").asText();

        Event fromV1 = codec.fromStored(type, 1, USER, "u-1", AT, v1.get("payload").toString());
        Event fromV2 = codec.fromStored(type, 2, USER, "u-1", AT, v2.get("payload").toString());

        assertEquals(fromV2, fromV1);
        assertEquals(v1.get("payload").get("object_uri").asText(), ((ContentPieceEvent) fromV1).objectUri(), "the raw URI is kept");
    }

    @Test
    void what_this_version_writes_is_the_version_2_shape() throws IOException {
        Event event = new ContentPieceCompleted(USER, "u-1", "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", AT,
                "America/New_York", "en-US", Content.parse("sevenmind://content/course/ab12c/item/de34f/recording/gh56i"),
                612.25);
        JsonNode expected = ((ObjectNode) golden("v2/completed-course.json")
                .get("payload").deepCopy()).put("position_seconds", 612.25);

        assertSameFields("payload", expected, mapper.readTree(codec.payload(event)));
    }

    @Test
    void a_version_without_an_upcaster_says_which_one_is_missing() {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> codec.fromStored("ContentPieceStarted", 0, USER, "u-1", AT, "{}"));

        assertEquals("no upcaster reads ContentPieceStarted schema version 0 (the current version is 2); put a jar "
                + "with one on the class path", e.getMessage());
    }

    /** Every field of {@code expected} is in {@code actual} with the same value, and nothing else is. */
    private static void assertSameFields(String path, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            List<String> expectedNames = new ArrayList<>();
            expected.fieldNames().forEachRemaining(expectedNames::add);
            List<String> actualNames = new ArrayList<>();
            actual.fieldNames().forEachRemaining(actualNames::add);
            assertEquals(expectedNames.stream().sorted().toList(), actualNames.stream().sorted().toList(),
                    "the fields of " + path);
            for (String field : expectedNames) {
                assertSameFields(path + "." + field, expected.get(field), actual.get(field));
            }
        } else {
            assertEquals(expected, actual, path);
        }
    }
}
