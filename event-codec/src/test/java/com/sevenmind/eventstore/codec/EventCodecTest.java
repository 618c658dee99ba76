package com.sevenmind.eventstore.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec(Json.newObjectMapper());

    private static String line(String type, String extra) {
        return "{\"event_type\":\"" + type + "\",\"unique_id\":\"u1\",\"user_id\":\"77777777-7777-4777-8777-777777777777\","
                + "\"session_id\":\"s1\",\"timestamp\":\"2024-05-01T12:00:00.5+02:00\",\"timezone\":\"Europe/Berlin\","
                + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://content/single/a1/recording/b2\"" + extra + "}";
    }

    @Test
    void a_line_with_a_position_reads_into_version_2_and_writes_back_the_same() {
        Event event = codec.parseLine(line("ContentPieceCancelled", ",\"position_seconds\":93.5"));

        ContentPieceCancelled cancelled = (ContentPieceCancelled) event;
        assertEquals(93.5, cancelled.positionSeconds());
        assertEquals(new Content("single", null, null, "a1", "b2", "sevenmind://content/single/a1/recording/b2"),
                cancelled.content());
        assertEquals(Instant.parse("2024-05-01T10:00:00.5Z"), cancelled.timestamp());
        assertEquals(event, codec.parseLine(codec.toLine(event, false)));
        assertEquals(event, codec.parseLine(codec.toLine(event, true)));
    }

    @Test
    void a_line_without_a_position_has_none() {
        assertNull(((ContentPieceCompleted) codec.parseLine(line("ContentPieceCompleted", ""))).positionSeconds());
    }

    @Test
    void a_negative_or_textual_position_is_refused_by_name() {
        assertEquals("field position_seconds: '-1.0' is not a number of seconds, 0 or more",
                assertThrows(InvalidEventException.class,
                        () -> codec.parseLine(line("ContentPieceCompleted", ",\"position_seconds\":-1"))).getMessage());
        assertEquals("field position_seconds: '\"ten\"' is not a number",
                assertThrows(InvalidEventException.class,
                        () -> codec.parseLine(line("ContentPieceCompleted", ",\"position_seconds\":\"ten\""))).getMessage());
    }

    @Test
    void unknown_fields_of_a_line_are_ignored() {
        Event event = codec.parseLine(line("ContentPieceStarted", ",\"position_seconds\":3,\"app\":\"ios\""));

        assertEquals("s1", ((ContentPieceEvent) event).sessionId());
    }

    @Test
    void text_postgresql_cannot_store_is_refused_by_name_not_changed() {
        assertEquals("field session_id: 'a\\u0000b' contains a NUL character, which cannot be stored",
                assertThrows(InvalidEventException.class,
                        () -> codec.parseLine(line("ContentPieceStarted", "").replace("\"s1\"", "\"a\\u0000b\"")))
                        .getMessage());
        assertEquals("field unique_id contains half of a UTF-16 surrogate pair, which is not text and cannot be stored",
                assertThrows(InvalidEventException.class,
                        () -> codec.parseLine(line("ContentPieceStarted", "").replace("\"u1\"", "\"\\ud83d\"")))
                        .getMessage());
    }
}
