package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.ProjectionPass;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever the arrival order, the split into batches and the re-deliveries, a user's stored stream and its Stats
 * equal those of the same events sorted by (timestamp, unique_id) and deduplicated.
 */
class AnyArrivalOrderPropertyTest {

    private static final List<UUID> USERS = List.of(
            UUID.fromString("00000000-0000-4000-8000-000000000001"),
            UUID.fromString("00000000-0000-4000-8000-000000000002"));
    private static final Instant T0 = Instant.parse("2024-06-01T00:00:00Z");
    private static TestDatabase db;

    @BeforeContainer
    static void openDatabase() {
        db = new TestDatabase().open("any_arrival_order");
    }

    @AfterContainer
    static void closeDatabase() {
        db.close();
    }

    @Property(tries = 200)
    void stream_and_stats_are_those_of_the_sorted_distinct_events(
            @ForAll("events") List<Event> events,
            @ForAll long shuffleSeed,
            @ForAll @IntRange(min = 1, max = 40) int batchSize,
            @ForAll @IntRange(min = 0, max = 20) int resends) {
        db.clear();
        EventStore store = db.store();
        Map<String, Event> distinct = new LinkedHashMap<>();
        events.forEach(e -> distinct.putIfAbsent(e.userId() + "/" + e.uniqueId(), e));

        Random random = new Random(shuffleSeed);
        List<Event> arrivals = new ArrayList<>(events);
        for (int i = 0; i < resends && !events.isEmpty(); i++) {
            arrivals.add(events.get(random.nextInt(events.size())));
        }
        Collections.shuffle(arrivals, random);
        AppendResult total = AppendResult.NONE;
        for (int from = 0; from < arrivals.size(); from += batchSize) {
            total = total.plus(store.append(arrivals.subList(from, Math.min(arrivals.size(), from + batchSize))));
        }

        assertEquals(distinct.size(), total.stored());
        assertEquals(arrivals.size() - distinct.size(), total.duplicates());
        for (UUID user : USERS) {
            List<Event> expected = distinct.values().stream().filter(e -> e.userId().equals(user))
                    .sorted(Comparator.comparing(Event::timestamp).thenComparing(Event::uniqueId)).toList();
            List<RecordedEvent> stored = new ArrayList<>();
            ProjectionPass storedStats = new ProjectionPass(List.of(new StatsProjection()));
            store.stream(user, e -> {
                stored.add(e);
                storedStats.accept(e);
            });
            assertEquals(expected, stored.stream().map(RecordedEvent::event).toList());

            ProjectionPass expectedStats = new ProjectionPass(List.of(new StatsProjection()));
            expected.forEach(e -> expectedStats.accept(new RecordedEvent(0, 1, T0, e)));
            assertEquals(expectedStats.views(), storedStats.views());
        }
    }

    /** Few users, ids and instants, so ties on timestamp and clashes of unique_id across users are common. */
    @Provide
    Arbitrary<List<Event>> events() {
        Arbitrary<Event> event = Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(USERS),
                Arbitraries.strings().withChars("abcAB019_-").ofMinLength(1).ofMaxLength(3),
                Arbitraries.longs().between(0, 5_000_000),
                Arbitraries.of("s1", "s2", "s3")
        ).as((type, user, id, micros, session) -> {
            Instant at = T0.plusNanos(micros * 1000 * (micros % 3 == 0 ? 1 : 997));
            String uri = "sevenmind://content/single/abc12/recording/xyz34";
            return switch (type) {
                case 0 -> new ContentPieceStarted(user, id, session, at, "Europe/Berlin", "de-DE", uri);
                case 1 -> new ContentPieceCompleted(user, id, session, at, "Europe/Berlin", "de-DE", uri);
                default -> new ContentPieceCancelled(user, id, session, at, "Europe/Berlin", "de-DE", uri);
            };
        });
        return event.list().ofMaxSize(60).uniqueElements(e -> e.userId() + "/" + e.uniqueId());
    }
}
