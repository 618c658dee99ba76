package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.history.HistoryProjection;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.ProjectionPass;
import com.sevenmind.eventstore.store.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever the arrival order, the split into batches and the re-deliveries, a user's stored stream and its Stats and
 * History equal those of the same events sorted by (timestamp, unique_id) and deduplicated; and a project between
 * two parts of the appends does not change what the second project says.
 */
class AnyArrivalOrderPropertyTest {

    private static final List<UUID> USERS = List.of(
            UUID.fromString("00000000-0000-4000-8000-000000000001"),
            UUID.fromString("00000000-0000-4000-8000-000000000002"));
    private static final List<Projection<?>> PROJECTIONS = List.of(new StatsProjection(), new HistoryProjection());
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
    void stream_and_projections_are_those_of_the_sorted_distinct_events(
            @ForAll("events") List<Event> events,
            @ForAll long shuffleSeed,
            @ForAll @IntRange(min = 1, max = 40) int batchSize,
            @ForAll @IntRange(min = 0, max = 20) int resends,
            @ForAll @IntRange(min = 0, max = 100) int splitPercent) {
        db.clear();
        EventStore store = db.store();
        Map<List<Object>, Event> distinct = distinct(events);

        Random random = new Random(shuffleSeed);
        List<Event> arrivals = new ArrayList<>(events);
        for (int i = 0; i < resends && !events.isEmpty(); i++) {
            arrivals.add(events.get(random.nextInt(events.size())));
        }
        Collections.shuffle(arrivals, random);
        int split = arrivals.size() * splitPercent / 100;

        AppendResult first = append(store, arrivals.subList(0, split), batchSize);
        Map<List<Object>, Event> firstDistinct = distinct(arrivals.subList(0, split));
        for (UUID user : USERS) {
            assertEquals(expected(firstDistinct.values(), user).views(), project(store, user, new ArrayList<>()).views(),
                    "after the first part");
        }
        AppendResult total = first.plus(append(store, arrivals.subList(split, arrivals.size()), batchSize));

        assertEquals(distinct.size(), total.stored());
        assertEquals(arrivals.size() - distinct.size(), total.duplicates());
        for (UUID user : USERS) {
            List<Event> stored = new ArrayList<>();
            ProjectionPass actual = project(store, user, stored);
            assertEquals(sorted(distinct.values(), user), stored);
            assertEquals(expected(distinct.values(), user).views(), actual.views());
        }
    }

    private static AppendResult append(EventStore store, List<Event> events, int batchSize) {
        AppendResult total = AppendResult.NONE;
        for (int from = 0; from < events.size(); from += batchSize) {
            total = total.plus(store.append(events.subList(from, Math.min(events.size(), from + batchSize))));
        }
        return total;
    }

    private static Map<List<Object>, Event> distinct(List<Event> events) {
        Map<List<Object>, Event> distinct = new LinkedHashMap<>();
        events.forEach(e -> distinct.putIfAbsent(List.of(e.userId(), e.uniqueId()), e));
        return distinct;
    }

    private static List<Event> sorted(Collection<Event> events, UUID user) {
        return events.stream().filter(e -> e.userId().equals(user))
                .sorted(Comparator.comparing(Event::timestamp).thenComparing(Event::uniqueId)).toList();
    }

    private static ProjectionPass expected(Collection<Event> events, UUID user) {
        ProjectionPass pass = new ProjectionPass(PROJECTIONS);
        sorted(events, user).forEach(e -> pass.accept(new RecordedEvent(0, 2, ScrambledEvents.T0, e)));
        return pass;
    }

    private static ProjectionPass project(EventStore store, UUID user, List<Event> seen) {
        ProjectionPass pass = new ProjectionPass(PROJECTIONS);
        store.stream(user, e -> {
            seen.add(e.event());
            pass.accept(e);
        });
        return pass;
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return ScrambledEvents.events(USERS);
    }
}
