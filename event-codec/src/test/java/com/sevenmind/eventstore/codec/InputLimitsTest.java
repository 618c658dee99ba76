package com.sevenmind.eventstore.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The limits every input format shares: the range of timestamps and the depth of JSON. */
class InputLimitsTest {

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final EventCodec codec = new EventCodec(mapper);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0000-01-01T00:00:00Z|0000-01-01T00:00:00Z",
            "-0001-06-01T00:00:00Z|-0001-06-01T00:00:00Z",
            "+10000-01-01T00:00:00Z|+10000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999-14:00|+10000-01-01T13:59:59.999999Z",
            "0001-01-01T00:00:00+00:01|0000-12-31T23:59:00Z"})
    void a_timestamp_outside_years_1_to_9999_in_utc_is_refused_naming_it(String value, String utc) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.parseTimestamp(value));
        assertEquals("field timestamp: '" + value + "' is " + utc + " in UTC, outside the range taken, "
                + "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.9999999Z",
            "9999-12-31T23:59:59.999999+00:00", "0001-01-01T01:00:00+01:00"})
    void the_ends_of_the_range_are_taken(String value) {
        Instant parsed = EventCodec.parseTimestamp(value);
        assertEquals(value.startsWith("0001") ? EventCodec.MIN_TIMESTAMP : EventCodec.MAX_TIMESTAMP,
                parsed.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @ParameterizedTest
    @ValueSource(ints = {65, 1_000, 1_001, 100_000})
    void json_nested_too_deep_is_an_invalid_input_not_a_crash(int depth) {
        String deep = "[".repeat(depth) + "]".repeat(depth);
        String line = "{\"event_type\":\"ContentPieceStarted\",\"x\":" + deep + "}";
        assertEquals("JSON nested deeper than 64 levels",
                assertThrows(InvalidEventException.class, () -> codec.parseLine(line)).getMessage());
        assertEquals("JSON nested deeper than 64 levels", assertThrows(InvalidEventException.class,
                () -> new RudderStackCodec(mapper).parse(line, null)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {63})
    void json_within_the_depth_is_read(int depth) {
        // 63 levels inside the event object: 64 in all.
        String line = "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertEquals("field event_type is missing",
                assertThrows(InvalidEventException.class, () -> codec.parseLine(line)).getMessage());
    }
}
