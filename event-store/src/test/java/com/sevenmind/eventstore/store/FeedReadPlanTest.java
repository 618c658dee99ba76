package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A feed read walks its index and stops at its limit, whatever the planner guesses: right after a bulk load (no
 * statistics yet) it once fetched every row after the cursor and sorted them all, for each batch. Here a sort of the
 * rows would need a temporary file, and the database allows none.
 */
class FeedReadPlanTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void a_batch_after_a_bulk_load_sorts_nothing() {
        // On Citus the coordinator merges the shards' rows of a node with a sort of its own (see docs/feed.md).
        Assumptions.assumeFalse(db.citus(), "one server only");
        db.database().jdbi().useHandle(h -> {
            h.execute("INSERT INTO events (user_uuid, unique_id, event_type, schema_version, \"timestamp\", payload) "
                    + "SELECT gen_random_uuid(), 'bulk-' || n, 'ContentPieceStarted', 2, now(), "
                    + "jsonb_build_object('padding', repeat('x', 200)) FROM generate_series(1, 30000) AS n");
            h.execute("ALTER DATABASE " + h.createQuery("SELECT current_database()").mapTo(String.class).one()
                    + " SET temp_file_limit = '64kB'");
        });
        // New sessions, which take the database's setting.
        try (Database fresh = Database.connect(db.jdbcUrl(), null, null)) {
            Feed feed = fresh.feed();
            Feed.Batch first = feed.read(FeedPosition.START, Feed.MAX_LIMIT);
            assertEquals(Feed.MAX_LIMIT, first.entries().size());
            assertEquals("bulk-1", ((FeedEntry.Stored) first.entries().get(0)).uniqueId());
            assertEquals(Feed.MAX_LIMIT, feed.read(first.next(), Feed.MAX_LIMIT).entries().size());
        }
    }
}
