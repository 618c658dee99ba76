package com.sevenmind.eventstore.testkit;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Events in arrival order made into the users' streams as the store hands them to a projection. */
final class UserStreams {

    /** One user's events in stream order. */
    record UserStream(UUID user, List<RecordedEvent> events) {
    }

    private static final Comparator<RecordedEvent> STREAM_ORDER =
            Comparator.comparing(RecordedEvent::timestamp).thenComparing(RecordedEvent::uniqueId);

    private UserStreams() {
    }

    /**
     * As the store would: a re-delivered event (same user and unique_id) is kept once; positions count arrivals; an
     * event is recorded when the latest event so far happened (so late events are recorded late); each stream is
     * sorted by (timestamp, unique_id). The payload and received_at are there only when the projection asks for them.
     */
    static List<UserStream> of(Iterable<? extends Event> arrivals, Projection<?> projection) {
        Map<UUID, List<RecordedEvent>> byUser = new LinkedHashMap<>();
        Set<List<Object>> seen = new HashSet<>();
        Instant clock = Instant.EPOCH;
        long position = 0;
        for (Event e : arrivals) {
            if (!seen.add(List.of(e.userId(), e.uniqueId()))) {
                continue;
            }
            clock = e.timestamp().isAfter(clock) ? e.timestamp() : clock;
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(new RecordedEvent(++position,
                    e instanceof GenericEvent g ? g.schemaVersion() : EventCodec.CURRENT_SCHEMA_VERSION, clock, e.userId(), e.uniqueId(), e.eventType(), e.timestamp(),
                    projection.needsPayload() ? e : null, projection.needsReceivedAt() ? clock : null));
        }
        List<UserStream> streams = new ArrayList<>();
        byUser.forEach((user, events) -> {
            events.sort(STREAM_ORDER);
            streams.add(new UserStream(user, List.copyOf(events)));
        });
        return streams;
    }
}
