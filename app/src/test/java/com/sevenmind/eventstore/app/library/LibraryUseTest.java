package com.sevenmind.eventstore.app.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventType;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.history.History;
import com.sevenmind.eventstore.history.HistoryProjection;
import com.sevenmind.eventstore.stats.Stats;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Projector;
import com.sevenmind.eventstore.store.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store as a host service calls it: events built by their records, projected for now, views typed. */
class LibraryUseTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");

    /** A host's own event type. */
    public record PlanChosen(UUID userId, String uniqueId, Instant timestamp, String plan) implements Event {
        public PlanChosen {
            timestamp = Event.checked(userId, uniqueId, timestamp);
        }
    }

    /** Its registration. */
    public static final class PlanChosenType implements EventType<PlanChosen> {
        @Override
        public Class<PlanChosen> recordClass() {
            return PlanChosen.class;
        }
    }

    @Test
    void events_of_every_kind_are_built_appended_and_projected_with_typed_views() {
        ObjectMapper mapper = Json.newObjectMapper();
        EventCodec codec = new EventCodec(mapper, List.of(), List.of(new PlanChosenType()));
        EventStore store = db.database().eventStore(codec);
        store.append(List.of(
                new ContentPieceStarted(USER, "c-1", "s-1", AT, "Europe/Berlin", "de-DE",
                        "sevenmind://content/single/a1/recording/r1"),
                new PlanChosen(USER, "p-1", AT.plusSeconds(1), "yearly"),
                new GenericEvent("Application Opened", USER, "a-1", AT.plusSeconds(2), 1,
                        mapper.createObjectNode().put("build", 5120))));

        StatsProjection stats = new StatsProjection();
        HistoryProjection history = new HistoryProjection();
        Projector.Result result = Projector.uncached(store).project(USER, List.of(stats, history), r -> r);

        Stats counted = result.view(stats);
        History sessions = result.view(history);
        assertEquals(new Stats(0, 1, 0, 1), counted);
        assertEquals(1, sessions.sessions().size());
        assertEquals(3, result.events());
        assertEquals(java.util.Map.of("Application Opened", 1L), result.unknownTypes());
        Projector.Result statsOnly = Projector.uncached(store).project(USER, List.of(stats), r -> r);
        assertEquals("projection 'history' was not asked for; asked: [stats]",
                assertThrows(IllegalArgumentException.class, () -> statsOnly.view(history)).getMessage());

        List<RecordedEvent> read = new ArrayList<>();
        store.stream(USER, read::add);
        assertEquals(new PlanChosen(USER, "p-1", AT.plusSeconds(1), "yearly"), read.get(1).event());
        assertInstanceOf(GenericEvent.class, read.get(2).event());
    }
}
