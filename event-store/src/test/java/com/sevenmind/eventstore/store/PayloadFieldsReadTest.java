package com.sevenmind.eventstore.store;

import static com.sevenmind.eventstore.store.TestEvents.completed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A read decodes only the payload fields its projections name, when every one that reads payloads names them. */
class PayloadFieldsReadTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final UUID user = UUID.randomUUID();

    /** What it saw of the last Completed event: its recording id and locale, as {@code "recording locale"}. */
    private record Seen(String name, Set<String> fields, boolean needsPayload) implements Projection<String> {

        @Override
        public String initialState() {
            return "";
        }

        @Override
        public String apply(String state, RecordedEvent e) {
            return e.event() instanceof ContentPieceCompleted c ? c.content().recordingId() + " " + c.locale() : state;
        }

        @Override
        public Object view(String state) {
            return state;
        }

        @Override
        public Set<String> payloadFields() {
            return fields;
        }
    }

    private static final Seen SESSION_ONLY = new Seen("session-only", Set.of("session_id"), true);

    @BeforeEach
    void append() {
        db.clear();
        db.store().append(List.of(completed(user, "c1", Instant.parse("2024-05-01T10:00:00Z"))));
    }

    private Map<String, Object> views(Projection<?>... projections) {
        return Projector.uncached(db.store()).project(user, Arrays.asList(projections), r -> r).views();
    }

    @Test
    void fields_not_named_are_not_decoded_while_the_records_required_ones_are() {
        assertEquals("null de-DE", views(SESSION_ONLY).get("session-only"));
        assertEquals("null de-DE", views(SESSION_ONLY, new Seen("no-payload", Set.of(), false)).get("session-only"),
                "a projection that reads no payload adds no field");
    }

    @Test
    void every_field_is_decoded_when_one_projection_names_none_or_one_names_it() {
        assertEquals("xyz34 de-DE", views(SESSION_ONLY, new Seen("all", Set.of(), true)).get("session-only"));
        assertEquals("xyz34 de-DE", views(SESSION_ONLY, new Seen("recording", Set.of("content.recording_id"), true))
                .get("session-only"));
    }
}
