package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FeedSubscriptionTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("00000000-0000-4000-8000-0000000000c3");
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    @BeforeEach
    void clear() {
        db.clear();
        db.database().jdbi().useHandle(h -> {
            h.execute("CREATE TABLE IF NOT EXISTS seen (unique_id text PRIMARY KEY)");
            h.execute("TRUNCATE seen");
        });
    }

    private static List<String> seen() {
        return db.database().jdbi().withHandle(h -> h.createQuery("SELECT unique_id FROM seen ORDER BY unique_id")
                .mapTo(String.class).list());
    }

    private static final FeedSubscription.Effects RECORD = (tx, entries) -> entries.forEach(e -> tx
            .execute("INSERT INTO seen VALUES (?)", ((FeedEntry.Stored) e).uniqueId()));

    @Test
    void one_reader_holds_a_name_and_the_next_resumes_where_it_stopped() {
        db.store().append(List.of(TestEvents.started(USER, "e-1", T), TestEvents.started(USER, "e-2", T)));
        try (FeedSubscription first = FeedSubscription.open(db.database(), "warehouse")) {
            assertEquals(1, first.process(1, RECORD));
            StoreException held = assertThrows(StoreException.class,
                    () -> FeedSubscription.open(db.database(), "warehouse"));
            assertEquals("subscription 'warehouse' is held by another reader", held.getMessage());
            FeedSubscription.open(db.database(), "other").close(); // another name is free
        }
        try (FeedSubscription second = FeedSubscription.open(db.database(), "warehouse")) {
            assertEquals(1, second.process(100, RECORD));
            assertEquals(0, second.process(100, RECORD));
        }
        assertEquals(List.of("e-1", "e-2"), seen());
    }

    @Test
    void effects_that_fail_keep_neither_their_writes_nor_the_position() {
        db.store().append(List.of(TestEvents.started(USER, "e-1", T)));
        try (FeedSubscription subscription = FeedSubscription.open(db.database(), "fails")) {
            FeedPosition before = subscription.position();
            assertThrows(IllegalStateException.class, () -> subscription.process(10, (tx, entries) -> {
                RECORD.apply(tx, entries);
                throw new IllegalStateException("the consumer failed");
            }));
            assertEquals(before, subscription.position());
        }
        assertEquals(List.of(), seen());
        try (FeedSubscription again = FeedSubscription.open(db.database(), "fails")) {
            assertEquals(FeedPosition.START, again.position(), "nothing saved");
            assertEquals(1, again.process(10, RECORD));
        }
        assertEquals(List.of("e-1"), seen());
    }
}
