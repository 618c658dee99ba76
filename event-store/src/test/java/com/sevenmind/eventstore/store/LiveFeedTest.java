package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Notifications end to end across two pools and connections: appends go through one {@link Database}, a
 * {@link LiveFeed} of another one hears them. A marker append to a user of its own, which notifications deliver in
 * commit order after everything before it, tells when every earlier notification has arrived: no sleeps.
 */
class LiveFeedTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
    private static final UUID A = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-4000-8000-00000000000b");
    private static final UUID C = UUID.fromString("00000000-0000-4000-8000-00000000000c");
    private static final UUID MARKER = UUID.fromString("00000000-0000-4000-8000-0000000000ff");

    private Database listening;
    private LiveFeed feed;
    private final Map<UUID, AtomicInteger> heard = new ConcurrentHashMap<>();
    private final AtomicInteger markers = new AtomicInteger();

    @BeforeEach
    void listen() {
        db.clear();
        listening = Database.connect(db.jdbcUrl(), null, null);
        feed = listening.liveFeed();
        for (UUID user : List.of(A, B, C)) {
            heard.put(user, new AtomicInteger());
            feed.subscribe(user, heard.get(user)::incrementAndGet);
        }
        feed.subscribe(MARKER, markers::incrementAndGet);
    }

    @AfterEach
    void stop() {
        feed.close();
        listening.close();
    }

    /** Appends a marker event and waits until the feed has passed it on, and so every notification before it. */
    private void settle() throws InterruptedException {
        int before = markers.get();
        db.store().append(TestEvents.started(MARKER, "marker-" + before + "-" + UUID.randomUUID(), T));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (markers.get() == before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(before + 1, markers.get(), "the marker's notification arrived, once");
    }

    private Map<UUID, Integer> counts() {
        return Map.of(A, heard.get(A).get(), B, heard.get(B).get(), C, heard.get(C).get());
    }

    @Test
    void a_batch_notifies_each_user_it_stored_events_of_once_however_many_events() throws Exception {
        db.store().append(List.of(TestEvents.started(A, "a-1", T), TestEvents.completed(A, "a-2", T.plusSeconds(60)),
                TestEvents.started(A, "a-3", T.plusSeconds(120)), TestEvents.started(B, "b-1", T)));
        settle();

        assertEquals(Map.of(A, 1, B, 1, C, 0), counts());
    }

    @Test
    void a_batch_of_nothing_but_duplicates_notifies_no_one() throws Exception {
        List<Event> batch = List.of(TestEvents.started(A, "a-1", T), TestEvents.started(B, "b-1", T));
        db.store().append(batch);
        settle();

        assertEquals(0, db.store().append(batch).stored());
        settle();

        assertEquals(Map.of(A, 1, B, 1, C, 0), counts());
    }

    @Test
    void on_the_staging_path_only_the_users_of_new_rows_are_notified() throws Exception {
        db.store().append(List.of(TestEvents.started(A, "a-1", T)));
        settle();

        AppendResult mixed = db.store().append(List.of(TestEvents.started(A, "a-1", T), TestEvents.started(B, "b-1", T)));
        settle();

        assertEquals(1, mixed.stored());
        assertEquals(Map.of(A, 1, B, 1, C, 0), counts());
    }

    @Test
    void pushes_sharing_commits_are_heard_of_for_every_user_stored_once_they_are_answered() throws Exception {
        AppendBatcher batcher = new AppendBatcher(db.store(), AppendBatcher.MAX_BATCH, AppendBatcher.MAX_WAIT);
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<AppendResult>> answers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Event event = TestEvents.started(List.of(A, B).get(i % 2), "p-" + i, T.plusSeconds(i));
                answers.add(callers.submit(() -> batcher.append(event, PipelineMetadata.NONE, reason -> { })));
            }
            for (Future<AppendResult> answer : answers) {
                assertEquals(1, answer.get().stored());
            }
        } finally {
            callers.shutdown();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((heard.get(A).get() == 0 || heard.get(B).get() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        settle();

        assertTrue(heard.get(A).get() >= 1 && heard.get(B).get() >= 1, "heard of A and B: " + counts());
        assertEquals(0, heard.get(C).get(), "C stored nothing");
    }

    @Test
    void a_batch_of_many_users_notifies_every_one_once_in_payloads_within_the_limit() throws Exception {
        List<Event> batch = new ArrayList<>();
        Map<UUID, AtomicInteger> many = new ConcurrentHashMap<>();
        for (int i = 0; i < 450; i++) {
            UUID user = UUID.randomUUID();
            many.put(user, new AtomicInteger());
            feed.subscribe(user, many.get(user)::incrementAndGet);
            batch.add(TestEvents.started(user, "u-" + i, T));
            batch.add(TestEvents.completed(user, "v-" + i, T.plusSeconds(1)));
        }
        db.store().append(batch);
        settle();

        assertTrue(many.values().stream().allMatch(n -> n.get() == 1), "each of 450 users heard of it once");
    }

    @Test
    void an_append_in_a_callers_transaction_is_notified_on_its_commit_and_leaves_it_durable() throws Exception {
        db.database().jdbi().useTransaction(tx -> {
            db.store().append(TestEvents.started(A, "a-1", T));
            tx.rollback();
        });
        String synchronousCommit = db.database().jdbi().inTransaction(tx -> {
            tx.execute("SET LOCAL synchronous_commit = on"); // the test server's default is off
            db.store().append(TestEvents.started(B, "b-1", T));
            return tx.createQuery("SHOW synchronous_commit").mapTo(String.class).one();
        });
        settle();

        assertEquals(Map.of(A, 0, B, 1, C, 0), counts());
        assertEquals("on", synchronousCommit, "the caller's commit still waits for its flush");
    }

    @Test
    void a_rolled_back_append_notifies_no_one() throws Exception {
        db.database().jdbi().useTransaction(tx -> {
            LiveFeed.publishCommitted(tx, List.of(A), true);
            tx.rollback();
        });
        settle();

        assertEquals(Map.of(A, 0, B, 0, C, 0), counts());
    }

    @Test
    void a_closed_subscription_hears_nothing_more() throws Exception {
        AtomicInteger other = new AtomicInteger();
        feed.subscribe(C, other::incrementAndGet).close();

        db.store().append(TestEvents.started(C, "c-1", T));
        settle();

        assertEquals(0, other.get());
        assertEquals(1, heard.get(C).get(), "the other subscriber of the same user still hears");
    }

    @Test
    void after_its_connection_is_killed_the_feed_reconnects_and_calls_every_subscriber_to_re_read()
            throws Exception {
        CountDownLatch reread = new CountDownLatch(3);
        for (UUID user : List.of(A, B, C)) {
            feed.subscribe(user, reread::countDown);
        }

        int killed = db.database().jdbi().withHandle(h -> h.createQuery("""
                        SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                        WHERE application_name = :name AND datname = current_database()
                        """).bind("name", LiveFeed.APPLICATION_NAME).mapTo(Integer.class).one());

        assertEquals(1, killed, "one feed connection on this database");
        assertTrue(reread.await(10, TimeUnit.SECONDS), "every subscriber was told to re-read");
        db.store().append(TestEvents.started(A, "a-after", T));
        settle();
        assertEquals(2, heard.get(A).get(), "the re-read call, then the append's notification");
    }
}
