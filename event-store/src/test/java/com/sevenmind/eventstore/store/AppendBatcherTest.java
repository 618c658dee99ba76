package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Group commit on a real PostgreSQL: each caller's own outcome, shared transactions, and failed batches. */
@Timeout(60)
class AppendBatcherTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant OUT_OF_RANGE = Instant.parse("+10000-01-01T00:00:00Z");
    private static final UUID FORGOTTEN_USER = UUID.fromString("5d2f8a61-0c4e-4b9a-8e27-6f1d3a9b7c40");

    /** What a caller was answered: one of the result's counts is 1, or the event was refused for a reason. */
    private record Answer(Event event, AppendResult result, String refusal) {
    }

    private EventStore store;
    private AppendBatcher batcher;
    private ExecutorService callers;

    @BeforeEach
    void setUp() {
        db.clear();
        store = db.store();
        // Long enough for callers queued while a test holds a commit in the database.
        batcher = new AppendBatcher(store, AppendBatcher.MAX_BATCH, Duration.ofSeconds(30));
        callers = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() {
        callers.shutdownNow();
    }

    private Answer append(Event event) {
        String[] refusal = {null};
        AppendResult result = batcher.append(event, metadata(event), reason -> refusal[0] = reason);
        return new Answer(event, result, refusal[0]);
    }

    /** What a caller hands with its event: its unique id as the Pub/Sub message id, so each row can be checked. */
    private static PipelineMetadata metadata(Event event) {
        return new PipelineMetadata(AT, "{\"pubsub\":{\"messageId\":\"" + event.uniqueId() + "\"}}");
    }

    /**
     * Threads 2m and 2m+1 send the same 200 keys at once, so that most keys are in flight twice: the same content,
     * except every 50th key, where the odd thread's content differs. Some events the database refuses (a unique id too
     * long to index, a time out of range), some are of a forgotten user, one is stored beforehand.
     */
    private static Event event(int thread, int j) {
        UUID user = new UUID(0x5eed, thread / 2);
        String id = "e-" + j;
        return switch (j % 50) {
            case 7 -> thread % 2 == 0 ? TestEvents.started(user, id, AT.plusSeconds(j))
                    : TestEvents.completed(user, id, AT.plusSeconds(j));
            case 13 -> TestEvents.started(user, AppendRefusalTest.TOO_LONG_ID + j, AT);
            case 29 -> TestEvents.started(user, id, OUT_OF_RANGE);
            case 41 -> TestEvents.started(FORGOTTEN_USER, id + "-" + thread, AT);
            default -> TestEvents.started(user, id, AT.plusSeconds(j));
        };
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // as the guard below: on Citus under load, 60 s was not enough
    void concurrent_callers_share_transactions_and_each_gets_the_outcome_of_its_own_event() throws Exception {
        store.append(TestEvents.started(FORGOTTEN_USER, "before", AT));
        store.forget(FORGOTTEN_USER);
        Event storedBefore = event(0, 0);
        store.append(storedBefore);
        int threads = 16;
        int perThread = 200;
        List<Future<List<Answer>>> sent = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            sent.add(callers.submit(() -> {
                List<Answer> answers = new ArrayList<>();
                for (int j = 0; j < perThread; j++) {
                    answers.add(append(event(thread, j)));
                }
                return answers;
            }));
        }
        List<List<Answer>> byThread = new ArrayList<>();
        for (Future<List<Answer>> f : sent) {
            byThread.add(f.get(5, TimeUnit.MINUTES)); // a guard against a hang: 3,200 commits take a while on a loaded machine
        }

        Set<String> expected = new HashSet<>();
        for (int pair = 0; pair < threads / 2; pair++) {
            for (int j = 0; j < perThread; j++) {
                Answer even = byThread.get(2 * pair).get(j);
                Answer odd = byThread.get(2 * pair + 1).get(j);
                String where = "pair " + pair + ", event " + j + ": " + even + " / " + odd;
                switch (j % 50) {
                    case 13 -> {
                        assertRefused(even, "index row size \\d+ exceeds btree version 4 maximum 2704 for index .+");
                        assertRefused(odd, "index row size \\d+ exceeds btree version 4 maximum 2704 for index .+");
                    }
                    case 29 -> {
                        assertRefused(even, AppendRefusalTest.OUT_OF_RANGE_REASON.replace("+", "\\+"));
                        assertRefused(odd, AppendRefusalTest.OUT_OF_RANGE_REASON.replace("+", "\\+"));
                    }
                    case 41 -> {
                        assertEquals(new AppendResult(0, 0, 0, 1), even.result(), where);
                        assertEquals(new AppendResult(0, 0, 0, 1), odd.result(), where);
                    }
                    default -> {
                        AppendResult other = j % 50 == 7 ? new AppendResult(0, 0, 1) : new AppendResult(0, 1, 0);
                        boolean firstPair = pair == 0 && j == 0;
                        // The key stored beforehand: both copies are duplicates of it.
                        assertEquals(sorted(firstPair ? List.of(new AppendResult(0, 1, 0), new AppendResult(0, 1, 0))
                                : List.of(new AppendResult(1, 0, 0), other)),
                                sorted(List.of(even.result(), odd.result())), where);
                        Answer stored = firstPair ? even : even.result().stored() == 1 ? even : odd;
                        expected.add(key(stored.event()) + " " + stored.event().getClass().getSimpleName());
                        assertNull(even.refusal(), where);
                    }
                }
            }
        }
        assertEquals(expected, storedRows(), "the table holds exactly the content each stored answer was about");
        assertEquals(expected.size() - 1, (long) db.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM events WHERE metadata->'pubsub'->>'messageId' = unique_id "
                                + "AND received_at = :at").bind("at", AT).mapTo(Long.class).one()),
                "every event appended through the batcher is stored with its own metadata");
        AppendBatcher.Counts counts = batcher.counts();
        assertEquals(threads * perThread, counts.events());
        assertTrue(counts.batches() < threads * perThread / 2,
                "callers shared transactions: " + counts.batches() + " batches for " + counts.events() + " events");
    }

    private static List<String> sorted(List<AppendResult> results) {
        return results.stream().map(String::valueOf).sorted().toList();
    }

    private static void assertRefused(Answer answer, String reasonPattern) {
        assertEquals(AppendResult.NONE, answer.result(), answer.toString());
        assertNotNull(answer.refusal(), answer.toString());
        assertTrue(answer.refusal().matches(reasonPattern), answer.refusal());
    }

    @Test
    void a_lone_caller_commits_at_once_in_a_batch_of_its_own() {
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            assertEquals(new AppendResult(1, 0, 0), append(TestEvents.started(UUID.randomUUID(), "lone", AT)).result());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
        }
        assertEquals(new AppendBatcher.Counts(20, 20), batcher.counts());
    }

    @Test
    void two_events_with_one_key_in_flight_are_answered_for_their_own_content() throws Exception {
        UUID user = UUID.randomUUID();
        Event first = TestEvents.started(user, "twice", AT);
        Event other = TestEvents.completed(user, "twice", AT);
        List<Future<Answer>> answers;
        try (Blocker blocker = new Blocker(user)) {
            Future<Answer> plug = callers.submit(() -> append(TestEvents.started(user, "plug", AT)));
            blocker.awaitWaiting();
            answers = List.of(callers.submit(() -> append(first)));
            await(() -> batcher.queued() == 1);
            answers = List.of(answers.get(0), callers.submit(() -> append(other)),
                    callers.submit(() -> append(first)));
            await(() -> batcher.queued() == 3);
            blocker.release();
            assertEquals(new AppendResult(1, 0, 0), plug.get(10, TimeUnit.SECONDS).result());
        }
        assertEquals(new AppendResult(1, 0, 0), answers.get(0).get(10, TimeUnit.SECONDS).result());
        assertEquals(new AppendResult(0, 0, 1), answers.get(1).get(10, TimeUnit.SECONDS).result());
        assertEquals(new AppendResult(0, 1, 0), answers.get(2).get(10, TimeUnit.SECONDS).result());
        assertEquals(Set.of(key(first) + " ContentPieceStarted", user + "/plug ContentPieceStarted"), storedRows());
        // Each copy of the key in a batch of its own: within one, which content is stored is not defined.
        assertEquals(new AppendBatcher.Counts(4, 4), batcher.counts());
    }

    @Test
    void a_database_failure_fails_every_caller_of_its_batch_and_none_is_told_stored() throws Exception {
        UUID user = UUID.randomUUID();
        List<Future<Answer>> batch = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        try (Blocker blocker = new Blocker(user)) {
            Future<Answer> plug = callers.submit(() -> append(TestEvents.started(user, "plug", AT)));
            blocker.awaitWaiting();
            for (int i = 0; i < 10; i++) {
                // One event of the blocked user is enough to hold the whole batch.
                Event event = TestEvents.started(i == 0 ? user : UUID.randomUUID(), "failed-" + i, AT);
                batch.add(callers.submit(() -> append(event)));
            }
            await(() -> batcher.queued() == 10);
            blocker.terminateWaiting();
            failures.add(failure(plug));
            blocker.awaitWaiting();
            blocker.terminateWaiting();
            for (Future<Answer> f : batch) {
                failures.add(failure(f));
            }
        }
        for (Throwable failure : failures) {
            assertTrue(failure instanceof StoreException, String.valueOf(failure));
            assertTrue(failure.getMessage().startsWith("database error at "), failure.getMessage());
            assertTrue(failure.getMessage().contains("terminating connection due to administrator command"),
                    failure.getMessage());
        }
        assertEquals(new AppendBatcher.Counts(2, 11), batcher.counts());
        assertEquals(Set.of(), storedRows());
        Event after = TestEvents.started(user, "after", AT);
        assertEquals(new AppendResult(1, 0, 0), append(after).result());
        assertEquals(Set.of(key(after) + " ContentPieceStarted"), storedRows());
    }

    @Test
    void a_caller_queued_behind_a_hung_commit_fails_after_the_wait_allowed_and_is_not_appended() throws Exception {
        batcher = new AppendBatcher(store, AppendBatcher.MAX_BATCH, Duration.ofMillis(300));
        UUID user = UUID.randomUUID();
        Event queued = TestEvents.started(UUID.randomUUID(), "queued", AT);
        try (Blocker blocker = new Blocker(user)) {
            Future<Answer> plug = callers.submit(() -> append(TestEvents.started(user, "plug", AT)));
            blocker.awaitWaiting();
            long start = System.nanoTime();
            Throwable failure = failure(callers.submit(() -> append(queued)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(failure instanceof StoreException, String.valueOf(failure));
            assertEquals("database error: the commits before this event's took over 300 ms; it was not appended",
                    failure.getMessage());
            assertTrue(millis >= 300 && millis < 5_000, millis + " ms");
            assertEquals(0, batcher.queued());
            blocker.release();
            assertEquals(new AppendResult(1, 0, 0), plug.get(10, TimeUnit.SECONDS).result());
        }
        assertEquals(new AppendBatcher.Counts(1, 1), batcher.counts());
        assertEquals(Set.of(user + "/plug ContentPieceStarted"), storedRows());
    }

    @Test
    void a_shared_commit_is_a_span_linked_to_the_span_of_every_caller_it_holds() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            Tracer tracer = provider.get("test");
            batcher = new AppendBatcher(store, AppendBatcher.MAX_BATCH, Duration.ofSeconds(30), tracer);
            UUID user = UUID.randomUUID();
            List<Future<SpanContext>> callersSpans = new ArrayList<>();
            try (Blocker blocker = new Blocker(user)) {
                Future<SpanContext> plug = callers.submit(() -> appendIn(tracer, TestEvents.started(user, "plug", AT)));
                blocker.awaitWaiting();
                for (int i = 0; i < 3; i++) {
                    Event event = TestEvents.started(UUID.randomUUID(), "shared-" + i, AT);
                    callersSpans.add(callers.submit(() -> appendIn(tracer, event)));
                }
                await(() -> batcher.queued() == 3);
                blocker.release();
                plug.get(10, TimeUnit.SECONDS);
            }
            Set<SpanContext> shared = new HashSet<>();
            for (Future<SpanContext> f : callersSpans) {
                shared.add(f.get(10, TimeUnit.SECONDS));
            }

            List<SpanData> commits = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("INSERT events")).toList();
            assertEquals(2, commits.size(), "the plug's commit, then the three queued callers' one");
            SpanData commit = commits.stream().filter(s -> s.getLinks().size() == 3).findFirst().orElseThrow();
            assertEquals(shared, commit.getLinks().stream().map(LinkData::getSpanContext)
                    .collect(Collectors.toSet()), "linked to each caller's span");
            assertTrue(shared.stream().anyMatch(c -> c.getSpanId().equals(commit.getParentSpanId())),
                    "a child of the span of the caller that committed: " + commit);
            assertEquals(SpanKind.CLIENT, commit.getKind());
            assertEquals("postgresql", commit.getAttributes().get(AttributeKey.stringKey("db.system.name")));
            assertEquals("INSERT", commit.getAttributes().get(AttributeKey.stringKey("db.operation.name")));
            assertEquals("events", commit.getAttributes().get(AttributeKey.stringKey("db.collection.name")));
            assertEquals(3L, commit.getAttributes().get(AttributeKey.longKey("eventstore.events")));
        }
    }

    /** Appends {@code event} inside a span of the caller's own, and returns that span's context. */
    private SpanContext appendIn(Tracer tracer, Event event) {
        Span span = tracer.spanBuilder("caller").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            assertEquals(new AppendResult(1, 0, 0), append(event).result());
            return span.getSpanContext();
        } finally {
            span.end();
        }
    }

    private static Throwable failure(Future<Answer> f) throws Exception {
        try {
            Answer answer = f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, was answered " + answer);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    private static String key(Event e) {
        return e.userId() + "/" + e.uniqueId();
    }

    private static Set<String> storedRows() {
        return new HashSet<>(db.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT user_uuid || '/' || unique_id || ' ' || event_type FROM events")
                .mapTo(String.class).list()));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 10 s");
            }
            Thread.sleep(5);
        }
    }

    /**
     * Holds a user's append lock exclusively on a connection of its own, so that a batch with an event of the user
     * waits in the database, where the test can end its connection.
     */
    private static final class Blocker implements AutoCloseable {

        private final Connection connection;
        private final long key;

        Blocker(UUID user) throws Exception {
            key = EventStore.userLock(user);
            connection = db.database().jdbi().open().getConnection();
            sql("SELECT pg_advisory_lock(" + key + ")");
        }

        /** Until an append waits for the lock. */
        void awaitWaiting() throws InterruptedException {
            await(() -> waitingPid() != null);
        }

        void terminateWaiting() throws Exception {
            sql("SELECT pg_terminate_backend(" + waitingPid() + ")");
        }

        void release() throws Exception {
            sql("SELECT pg_advisory_unlock(" + key + ")");
        }

        private Integer waitingPid() {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
                            + " AND datname = current_database()")) {
                return rs.next() ? rs.getInt(1) : null;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private void sql(String sql) throws Exception {
            try (Statement s = connection.createStatement()) {
                s.execute(sql);
            }
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }
}
