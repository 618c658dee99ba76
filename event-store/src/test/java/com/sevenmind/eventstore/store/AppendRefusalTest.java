package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events that pass validation but that PostgreSQL refuses: a unique id too long for the key's index (random, so it
 * does not compress below the limit), and a time past year 9999 made in code, where no parser checked its range.
 */
class AppendRefusalTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("0b7e1d7c-3a55-4f0e-9a43-5de2c1c0a6f1");
    private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");
    static final String TOO_LONG_ID = randomHex(8_000);
    static final String OUT_OF_RANGE_REASON = "time zone displacement out of range: \"+10000-01-01T00:00:00Z\"";

    private EventStore store;

    @BeforeEach
    void setUp() {
        db.clear();
        store = db.store();
    }

    static String randomHex(int length) {
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            s.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return s.substring(0, length);
    }

    private static List<Event> batch() {
        return List.of(
                TestEvents.started(USER, "1", AT),
                TestEvents.started(USER, TOO_LONG_ID, AT),
                TestEvents.started(USER, "2", AT.plusSeconds(1)),
                TestEvents.started(USER, "3", Instant.parse("+10000-01-01T00:00:00Z")),
                TestEvents.started(USER, "4", AT.plusSeconds(2)));
    }

    @Test
    void each_refused_event_is_reported_with_the_database_reason_and_the_others_are_stored() {
        Map<Integer, String> refused = new TreeMap<>();
        List<Integer> conflicts = new ArrayList<>();

        AppendResult result = store.append(batch(), AppendOptions.DEFAULTS
                .withListener(conflicts::add).withRefusals((reason, i) -> refused.put(i, reason)));

        assertEquals(new AppendResult(3, 0, 0), result);
        assertEquals(List.of(), conflicts);
        assertEquals(List.of(1, 3), List.copyOf(refused.keySet()));
        assertEquals(OUT_OF_RANGE_REASON, refused.get(3));
        assertEquals(true, refused.get(1).matches("index row size \\d+ exceeds btree version 4 maximum 2704 "
                + "for index \".+\""), refused.get(1));
        List<String> stored = new ArrayList<>();
        store.stream(USER, (RecordedEvent e) -> stored.add(e.uniqueId()));
        assertEquals(List.of("1", "2", "4"), stored);
    }

    @Test
    void conflicts_after_a_refusal_are_reported_by_their_index_in_the_whole_batch() {
        store.append(TestEvents.completed(USER, "4", AT.plusSeconds(2)));
        List<Integer> conflicts = new ArrayList<>();

        AppendResult result = store.append(batch(), AppendOptions.DEFAULTS
                .withListener(conflicts::add).withRefusals((reason, i) -> { }));

        assertEquals(new AppendResult(2, 0, 1), result);
        assertEquals(List.of(4), conflicts);
    }

    @Test
    void finding_the_refused_events_stores_nothing() {
        assertEquals(List.of(1, 3), List.copyOf(store.refusals(batch(), AppendOptions.DEFAULTS).keySet()));
        assertEquals(0, store.count());
    }

    @Test
    void without_a_callback_for_refusals_the_batch_fails_whole_as_before() {
        StoreException e = assertThrows(StoreException.class, () -> store.append(batch()));
        assertEquals(true, EventStore.refusal(e) != null, e.getMessage());
        assertEquals(0, store.count());
    }
}
