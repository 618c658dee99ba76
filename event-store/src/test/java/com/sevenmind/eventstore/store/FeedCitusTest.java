package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The global feed on a real Citus cluster: a worker whose part of a two-phase commit is prepared but not yet
 * committed while the coordinator and the other worker go on, as when its {@code COMMIT PREPARED} is held back.
 */
class FeedCitusTest {

    private static TestDatabase db;

    @BeforeContainer
    static void openDatabase() {
        db = TestDatabase.onCitus(4).open("feed_citus");
    }

    @AfterContainer
    static void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @Example
    void rows_of_a_worker_whose_commit_prepared_is_held_are_read_once_it_commits() throws Exception {
        db.clear();
        EventStoreTestRows rows = new EventStoreTestRows();
        UUID held = rows.userOnWorker(1);
        Feed feed = db.database().feed();
        try (Connection worker = DriverManager.getConnection(db.nodeJdbcUrl(1));
             Statement s = worker.createStatement()) {
            // The worker's half of a two-phase commit: written and prepared, its COMMIT PREPARED not yet sent.
            s.execute("BEGIN");
            s.execute("SET LOCAL search_path = eventstore");
            s.execute(rows.insert(rows.shard(held), held, 3));
            s.execute("PREPARE TRANSACTION 'feed_citus_held'");
            // Meanwhile more commits on every node, through the coordinator.
            List<String> later = rows.commitThroughCoordinator(20);
            Feed.Batch first = feed.read(FeedPosition.START, Feed.MAX_LIMIT);
            Set<String> seen = new TreeSet<>(keys(first));
            assertTrue(keys(first).stream().noneMatch(k -> k.startsWith(held.toString())), "held rows are invisible");
            s.execute("COMMIT PREPARED 'feed_citus_held'");
            Feed.Batch second = feed.read(first.next(), Feed.MAX_LIMIT);
            for (String key : keys(second)) {
                assertTrue(seen.add(key), "delivered twice: " + key);
            }
            Set<String> expected = new TreeSet<>(later);
            for (int i = 0; i < 3; i++) {
                expected.add(held + "/held-" + i);
            }
            assertEquals(expected, seen, "every committed row once, the held worker's too");
            assertTrue(second.next().compareTo(first.next()) > 0, "the position moved forward");
        }
    }

    private static List<String> keys(Feed.Batch batch) {
        List<String> keys = new ArrayList<>();
        for (FeedEntry entry : batch.entries()) {
            FeedEntry.Stored e = (FeedEntry.Stored) entry;
            keys.add(e.user() + "/" + e.uniqueId());
        }
        return keys;
    }

    /** Rows written on a node directly or through the coordinator. */
    private static final class EventStoreTestRows {

        /** A user whose shard is on worker {@code worker} (1-based, as the cluster numbers its nodes). */
        UUID userOnWorker(int worker) {
            int port = db.nodePort(worker);
            while (true) {
                UUID user = UUID.randomUUID();
                Integer found = db.database().jdbi().withHandle(h -> h.createQuery("""
                                SELECT n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
                                WHERE p.shardid = get_shard_id_for_distribution_column('events', CAST(:u AS uuid))""")
                        .bind("u", user.toString()).mapTo(Integer.class).one());
                if (found == port) {
                    return user;
                }
            }
        }

        String shard(UUID user) {
            return db.database().jdbi().withHandle(h -> h.createQuery(
                            "SELECT shard_name('events', get_shard_id_for_distribution_column('events', CAST(:u AS uuid)))")
                    .bind("u", user.toString()).mapTo(String.class).one());
        }

        String insert(String table, UUID user, int n) {
            StringBuilder sql = new StringBuilder("INSERT INTO " + table
                    + " (id, user_uuid, unique_id, event_type, schema_version, \"timestamp\", payload) OVERRIDING SYSTEM VALUE VALUES ");
            for (int i = 0; i < n; i++) {
                sql.append(i == 0 ? "" : ", ").append("(").append(9_000_000_000L + i).append(", '").append(user).append("', 'held-")
                        .append(i).append("', 'content_started', 1, now(), '{}')");
            }
            return sql.toString();
        }

        /** {@code n} rows of random users, committed through the coordinator in one multi-shard transaction. */
        List<String> commitThroughCoordinator(int n) {
            List<String> keys = new ArrayList<>();
            db.database().jdbi().useTransaction(h -> {
                for (int i = 0; i < n; i++) {
                    UUID user = UUID.randomUUID();
                    h.createUpdate("""
                                    INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp",
                                                        payload)
                                    VALUES (CAST(:u AS uuid), :k, 'content_started', 1, now(), '{}')""")
                            .bind("u", user.toString()).bind("k", "later-" + i).execute();
                    keys.add(user + "/later-" + i);
                }
            });
            return keys;
        }
    }
}
