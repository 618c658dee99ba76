package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.codec.EventCodec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs projections over a user's stream in one pass, through the snapshot cache.
 *
 * <p>When every projection of a read saves its state ({@link Projection#snapshotType()}) and each has a snapshot of
 * its current version at the same position, the read continues from there: only events after the position are
 * read. A <em>late</em> event, stored after the snapshot but at or before its position in the stream, would be
 * missed that way; it is found as an event of the user with an id above the snapshot's id bound and a
 * (timestamp, unique_id) at or before its position, and the states are then folded again from the first event.
 * Once the states cover {@code saveAfter} events more than the saved snapshots, they are saved at the new position,
 * off the read's path: the read answers first.
 *
 * <p>The bound is the highest id drawn when the read's view of the table was taken. The check needs every event of
 * the user with an id at or below it to be in that view. Ids are drawn when rows are written, not when they commit,
 * so an append in flight could commit an id below it later. Appenders therefore hold their users' advisory locks
 * shared until they commit, and a read takes its user's lock exclusively while it takes its view and reads the
 * bound: every append of the user that drew ids before is committed and seen, and any later one draws higher ids.
 * The bound, not the user's own highest id, keeps the check to the events stored since the read, however long ago
 * the user's last one was.
 *
 * <p>The states are the engine's ({@link Projection}'s ownership rule): {@code apply} may change one in place, and a
 * view may read its state while it is written. So a state held in memory is leased to one read: taken out while that
 * read folds it and while its answer is written from the views, and put back (or saved first) only once the answer
 * is done. No two reads fold one state object, and no read folds a state whose views are still being written; a
 * read of the same user meanwhile continues from the snapshot table instead.
 *
 * <p>Over 300 lines on purpose: the cache's correctness (the lock, the drawn-id bound, the late check, the
 * hold-and-save order) is one argument, kept in one file.
 */
public final class Projector implements AutoCloseable {

    /** Events read past a snapshot before the states are saved again: fewer cost less to read than to save. */
    public static final long SAVE_AFTER = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(Projector.class);
    /** How long a close waits for the saves begun. */
    private static final long CLOSE_SECONDS = 60;

    /** Whether the event a start ends on is still stored (a forgotten user's is not). */
    private static final String COVERED = "EXISTS (SELECT 1 FROM events WHERE id = :lastId AND user_uuid = :user)";

    /** Whether an event of the user stored since a start's read falls before its position: a late one. */
    private static final String LATE_EVENT = """
            EXISTS (SELECT 1 FROM events WHERE user_uuid = :user AND id > :maxId
                      AND ("timestamp", unique_id) <= (:timestamp, :uniqueId))""";

    /**
     * Whether a late event fell before a start, looking at the events stored since, in id order: the primary key
     * finds the few there usually are, whatever the user's stream holds. (Asked as one condition, the planner went
     * through the user's stream index instead, all of it: 46 ms for the main user, 700 ms from a cold cache.) Also
     * whether the event the start ends on is still stored.
     */
    private static final String CHECK = """
            WITH newer AS (
                SELECT user_uuid, "timestamp", unique_id FROM events WHERE id > :maxId ORDER BY id LIMIT :scan
            )
            SELECT count(*) AS newer,
                   count(*) FILTER (WHERE user_uuid = :user
                                      AND ("timestamp", unique_id) <= (:timestamp, :uniqueId)) > 0 AS late,
                   %s AS covered
            FROM newer
            """.formatted(COVERED);

    /**
     * The highest id drawn so far, committed or not (0 before the first): read while appends of the user wait, it
     * bounds the ids of every event of the user the read can see, and any event of the user stored later has a
     * higher one. A position records it rather than the highest id among the user's own events, so that the check
     * below looks only at what was stored since the read, not at all of other users' events since the user's last.
     */
    private static final String DRAWN = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_id_seq";

    /** Newer events the check looks at; when there are more, it asks the user's stream instead. */
    private static final int CHECK_SCAN = 1_000;

    /** The same question through the user's stream: for when many events were stored since. */
    private static final String LATE = "SELECT " + LATE_EVENT;

    /**
     * Both questions about the user alone, for a store distributed by user on Citus: the coordinator sends it to
     * the user's shard only, where {@link #CHECK} would scan every shard and fail while any worker is down. The
     * shard holds a fraction of the events stored since, so its primary key finds them as cheaply.
     */
    private static final String ROUTED_CHECK = "SELECT " + LATE_EVENT + " AS late, " + COVERED + " AS covered";

    /** Whether the store is distributed (the citus extension is there: the migrations distribute it then). */
    private static final String DISTRIBUTED = "SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')";

    /** Where a read's states came from. */
    public enum Source {
        /** folded from the first event: no usable snapshot, or not cacheable (as-of reads, projections that don't save) */
        FULL("miss"),
        /** continued from snapshots or from states in memory, reading only the events after them */
        RESUMED("hit"),
        /** folded from the first event because a late event fell before the snapshots' position */
        REBUILT("rebuilt");

        /** Its name in metrics: what it was for the cache. */
        final String label;

        Source(String label) {
            this.label = label;
        }
    }

    /**
     * One user's projections.
     *
     * @param events       every event of the stream, of known types or not
     * @param unknownTypes events of types with no registered record in this process, by type name: the projections
     *                     received them as {@code GenericEvent}s
     * @param views        each projection's view, by name, in the order asked
     * @param read         the events this read fetched
     */
    public record Result(long events, Map<String, Long> unknownTypes, Map<String, Object> views, Source source,
                         long read) {

        /**
         * The view of {@code projection}, as the type its {@code view} method declares: {@code Stats stats =
         * result.view(statsProjection);} with no cast.
         *
         * @param projection one of the projections this result was asked for
         * @param <V>        the type its {@code view} method returns
         * @return its view
         * @throws IllegalArgumentException when it was not asked for
         * @throws ClassCastException       when {@code V} is not what its {@code view} returns
         */
        @SuppressWarnings("unchecked") // V is checked against the projection's declared view type below
        public <V> V view(Projection<?> projection) {
            if (!views.containsKey(projection.name())) {
                throw new IllegalArgumentException("projection '" + projection.name() + "' was not asked for; asked: "
                        + views.keySet());
            }
            Object view = views.get(projection.name());
            return (V) declaredViewType(projection).cast(view);
        }

        private static Class<?> declaredViewType(Projection<?> projection) {
            Class<?> declared = Object.class;
            for (var method : projection.getClass().getMethods()) {
                if (method.getName().equals("view") && method.getParameterCount() == 1
                        && declared.isAssignableFrom(method.getReturnType())) {
                    declared = method.getReturnType();
                }
            }
            return declared;
        }
    }

    /** How many users' latest states a projector of the application keeps in memory. */
    public static final int HELD_USERS = 32;

    private final EventStore store;
    private final Snapshots snapshots;
    private final long saveAfter;
    /** Whether the store is distributed by user; null until the first check asks. */
    private volatile Boolean distributed;
    /** The states of the latest reads, by user and projection versions, in access order. */
    private final Map<HeldKey, Start> held;
    /** Null without snapshots. */
    private final ThreadPoolExecutor saver;
    /** Reads by where their states came from: the cache's hits, misses and late rebuilds. */
    private final Map<Source, Runnable> reads = new EnumMap<>(Source.class);

    /**
     * @param store the store
     * @param snapshots the table of snapshots; null for none (see {@link #uncached})
     * @param saveAfter how many more events than the saved snapshots the states must cover to be saved (1: after
     *                  every read of a new event; {@code Long.MAX_VALUE}: never)
     * @param heldUsers how many users' latest states to keep in memory (0: none)
     */
    public Projector(EventStore store, Snapshots snapshots, long saveAfter, int heldUsers) {
        this(store, snapshots, saveAfter, heldUsers, StoreMeters.NONE);
    }

    /** As above, counting its reads in {@code meters} as {@code eventstore_projector_reads_total{snapshot}}. */
    Projector(EventStore store, Snapshots snapshots, long saveAfter, int heldUsers, StoreMeters meters) {
        for (Source source : Source.values()) {
            reads.put(source, meters.counter("eventstore.projector.reads",
                    "Projection reads by where their states came from: the snapshot cache (hit), the first event "
                            + "(miss), or the first event after a late one (rebuilt)",
                    "snapshot", source.label));
        }
        this.store = store;
        this.snapshots = snapshots;
        this.saveAfter = saveAfter;
        this.saver = snapshots == null ? null : saver();
        this.held = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<HeldKey, Start> eldest) {
                return size() > heldUsers;
            }
        };
    }

    /**
     * Saves states off the read's path, one at a time, in order. A read that has states to save while one save runs
     * and another waits, waits itself: no more than two states wait to be written, whatever the number of users.
     */
    private static ThreadPoolExecutor saver() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), task -> {
            Thread thread = new Thread(task, "snapshot-saver");
            thread.setDaemon(true);
            return thread;
        }, (task, executor) -> {
            if (executor.isShutdown()) {
                throw new RejectedExecutionException("the projector is closed");
            }
            try {
                executor.getQueue().put(task);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("interrupted while waiting to save", e);
            }
        });
    }

    /**
     * A projector without the cache: every read folds the whole stream, and nothing is saved or kept.
     *
     * @param store the store
     * @return the projector
     */
    public static Projector uncached(EventStore store) {
        return new Projector(store, null, Long.MAX_VALUE, 0);
    }

    /**
     * Runs {@code projections} over every event of the user's stream stored so far, through the cache, and gives the
     * result to {@code answer}, which writes it; as {@link #project(UUID, List, Instant, Function)} with no time.
     *
     * @param <T>         what {@code answer} makes of the result
     * @param userId      the user
     * @param projections the projections, folded in one pass
     * @param answer      writes (or copies) the answer while the read holds its states
     * @return what {@code answer} returned
     */
    public <T> T project(UUID userId, List<? extends Projection<?>> projections, Function<Result, T> answer) {
        return project(userId, projections, null, answer);
    }

    /**
     * Runs {@code projections} over the user's stream as it was known at {@code asOf} (events recorded at or before
     * it), around the cache, or over every event stored so far when {@code asOf} is null, and gives the result to
     * {@code answer}, which writes it: the views are the caller's only until {@code answer} returns, as the states
     * they may read are then folded on by later reads. Safe to call from several threads.
     *
     * @param <T>         what {@code answer} makes of the result
     * @param userId      the user
     * @param projections the projections, folded in one pass
     * @param asOf        the time of knowledge, or null for now
     * @param answer      writes (or copies) the answer while the read holds its states
     * @return what {@code answer} returned
     */
    public <T> T project(UUID userId, List<? extends Projection<?>> projections, Instant asOf,
                         Function<Result, T> answer) {
        Lease lease = read(userId, projections, asOf);
        reads.get(lease.result().source()).run();
        try {
            return answer.apply(lease.result());
        } finally {
            lease.end().run();
        }
    }

    /** A read's result, and what ends its lease of the states once its answer is written: held or saved. */
    private record Lease(Result result, Runnable end) {
    }

    private static final Runnable NOTHING_LEASED = () -> { };

    private Lease read(UUID userId, List<? extends Projection<?>> projections, Instant asOf) {
        List<? extends Projection<?>> saving = projections.stream().filter(p -> p.snapshotType().isPresent()).toList();
        if (asOf != null || saving.isEmpty() || snapshots == null) {
            ProjectionPass pass = new ProjectionPass(projections);
            StreamResult read = store.stream(userId, asOf, pass.needsPayload(), pass.needsReceivedAt(), pass);
            return new Lease(new Result(read.events(), read.unknownTypes(), pass.views(), Source.FULL, read.events()),
                    NOTHING_LEASED);
        }
        // Only when every projection saves are states held and snapshots continued: null otherwise.
        HeldKey key = saving.size() == projections.size() ? new HeldKey(userId, versions(projections)) : null;
        // Leased: taken out while folded and while the answer is written from its views (see project).
        Start inMemory = key == null ? null : take(key);
        long lock = EventStore.userLock(userId);
        Folded folded = store.inDatabase(h -> {
            h.execute("SELECT pg_advisory_lock(?)", lock);
            boolean[] locked = {true};
            try {
                return h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, tx -> {
                    // The transaction's view of the table is taken by its first statement, under the lock; so is the
                    // highest id drawn: every event of the user at or below it is in that view.
                    long drawn = tx.createQuery(DRAWN).mapTo(Long.class).one();
                    tx.execute("SELECT pg_advisory_unlock(?)", lock);
                    locked[0] = false;
                    tx.execute(EventStore.STREAM_SETTINGS);
                    return fold(tx, userId, projections, key, inMemory, drawn);
                });
            } finally {
                if (locked[0]) {
                    h.execute("SELECT pg_advisory_unlock(?)", lock);
                }
            }
        });
        Result result = folded.result;
        if (folded.last == null) {
            return new Lease(result, NOTHING_LEASED);
        }
        Start start = new Start(folded.pass.states(), folded.last, result.events(), result.unknownTypes(),
                folded.start == null ? 0 : folded.start.saved(), folded.start == null ? 0 : folded.start.refused());
        return new Lease(result, () -> release(userId, saving, key, start));
    }

    /**
     * Ends a lease: saves the states when they cover enough new events since they were last saved (or refused as too
     * large), else holds them for the next read.
     */
    private void release(UUID userId, List<? extends Projection<?>> saving, HeldKey key, Start start) {
        if (start.events() - Math.max(start.saved(), start.refused()) < saveAfter) {
            if (key != null) {
                put(key, start);
            }
            return;
        }
        try {
            saver.execute(() -> save(userId, saving, key, start));
        } catch (RejectedExecutionException e) {
            // Only a cache, and the answer is written: the next read folds from what is saved.
            LOG.warn("not saving the snapshots of user {}: {}", userId, e.getMessage());
        }
    }

    /**
     * Saves the states, all or none, then holds them in memory: not before, as a read that took them could change
     * them while they are written. A state over the size limit saves none of them, so the snapshots saved before
     * stay at one position (a new process continues from there), and nothing is recorded as saved. Runs on the
     * saver's thread.
     */
    private void save(UUID userId, List<? extends Projection<?>> saving, HeldKey key, Start start) {
        boolean saved;
        try {
            saved = store.inDatabase(h -> h.inTransaction(tx -> {
                // Shared with appenders, exclusive for forget: a user forgotten meanwhile gets no snapshot.
                tx.execute("SELECT pg_advisory_xact_lock_shared(?)", EventStore.userLock(userId));
                for (Projection<?> p : saving) {
                    if (!snapshots.save(tx, userId, p.name(), p.version(), EventCodec.CURRENT_SCHEMA_VERSION,
                            start.states().get(p.name()), start.covers(), start.events(), start.unknownTypes())) {
                        tx.rollback();
                        return false;
                    }
                }
                return true;
            }));
        } catch (RuntimeException e) {
            // Only a cache: the answer was given; the next read folds from what is saved.
            LOG.warn("cannot save the snapshots of user {}: {}", userId, e.getMessage());
            return;
        }
        if (key != null) {
            put(key, new Start(start.states(), start.covers(), start.events(), start.unknownTypes(),
                    saved ? start.events() : start.saved(), saved ? start.refused() : start.events()));
        }
    }

    /** Waits until the saves begun so far are done: they run in order, so until a save begun now has run. */
    public void awaitSaves() {
        if (saver == null) {
            return;
        }
        try {
            saver.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the saver failed", e.getCause());
        }
    }

    /** Finishes the saves begun, then stops. The database closes the projectors it made before its pool. */
    @Override
    public void close() {
        if (saver == null) {
            return;
        }
        saver.shutdown();
        try {
            if (!saver.awaitTermination(CLOSE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("stopping with snapshot saves still running after {} s", CLOSE_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A user and the projections of a read, by name and version. */
    private record HeldKey(UUID userId, Map<String, Integer> versions) {
    }

    /**
     * States to continue from (null: still to be read from the snapshots), the part of the stream they cover, how
     * many of its events the saved snapshots cover, and how many the states covered when a save last refused one of
     * them as too large (0: never): not tried again until they cover {@code saveAfter} more, as it would be measured
     * in vain at every read.
     */
    private record Start(Map<String, Object> states, StreamPosition covers, long events,
                         Map<String, Long> unknownTypes, long saved, long refused) {
    }

    /** @param start what the fold continued from; null: the first event */
    private record Folded(Result result, ProjectionPass pass, StreamPosition last, Start start) {
    }

    private Start take(HeldKey key) {
        synchronized (held) {
            return held.remove(key);
        }
    }

    private void put(HeldKey key, Start start) {
        synchronized (held) {
            held.put(key, start);
        }
    }

    private static Map<String, Integer> versions(List<? extends Projection<?>> projections) {
        Map<String, Integer> versions = new HashMap<>();
        projections.forEach(p -> versions.put(p.name(), p.version()));
        return versions;
    }

    /**
     * Folds from the states in memory, else from the snapshots, else from the first event. A start is used only
     * when the event it ends on is still stored (a forgotten user's is not) and no late event fell before it.
     */
    private Folded fold(Handle tx, UUID userId, List<? extends Projection<?>> projections, HeldKey key,
                        Start inMemory, long drawn) {
        Snapshots.Saved saved = key != null && inMemory == null ? common(tx, userId, key.versions()) : null;
        Start start = inMemory != null ? inMemory : saved == null ? null
                : new Start(null, saved.covers(), saved.eventCount(), saved.unknownTypes(), saved.eventCount(), 0);
        Source source = Source.FULL;
        if (start != null) {
            Check check = check(tx, userId, start.covers());
            if (check.late() && check.covered()) {
                source = Source.REBUILT;
            }
            if (check.late() || !check.covered()) {
                start = null;
            }
        }
        if (start != null && start.states() == null) {
            Map<String, Object> states = states(tx, userId, projections);
            start = states == null ? null
                    : new Start(states, start.covers(), start.events(), start.unknownTypes(), start.saved(),
                            start.refused());
        }
        if (start != null) {
            source = Source.RESUMED;
        }
        ProjectionPass pass = new ProjectionPass(projections, start == null ? Map.of() : start.states());
        StreamResult read = store.streamIn(tx, userId, null, pass.needsPayload(), pass.needsReceivedAt(),
                start == null ? null : start.covers(), pass);
        long events = read.events();
        Map<String, Long> unknown = new TreeMap<>(read.unknownTypes());
        if (start != null) {
            events += start.events();
            start.unknownTypes().forEach((type, n) -> unknown.merge(type, n, Long::sum));
        }
        StreamPosition last = read.last() == null ? null
                : new StreamPosition(read.last().timestamp(), read.last().uniqueId(), read.last().id(), drawn);
        return new Folded(new Result(events, unknown, pass.views(), source, read.events()), pass, last, start);
    }

    private record Check(boolean late, boolean covered) {
    }

    private Check check(Handle tx, UUID userId, StreamPosition covers) {
        OffsetDateTime timestamp = OffsetDateTime.ofInstant(covers.timestamp(), ZoneOffset.UTC);
        if (distributed == null) {
            distributed = tx.createQuery(DISTRIBUTED).mapTo(Boolean.class).one();
        }
        if (distributed) {
            return tx.createQuery(ROUTED_CHECK).bind("user", userId).bind("maxId", covers.maxId())
                    .bind("lastId", covers.id()).bind("timestamp", timestamp).bind("uniqueId", covers.uniqueId())
                    .map((rs, ctx) -> new Check(rs.getBoolean("late"), rs.getBoolean("covered")))
                    .one();
        }
        long[] newer = {0};
        Check check = tx.createQuery(CHECK).bind("user", userId).bind("maxId", covers.maxId())
                .bind("lastId", covers.id()).bind("timestamp", timestamp).bind("uniqueId", covers.uniqueId())
                .bind("scan", CHECK_SCAN)
                .map((rs, ctx) -> {
                    newer[0] = rs.getLong("newer");
                    return new Check(rs.getBoolean("late"), rs.getBoolean("covered"));
                })
                .one();
        if (check.late() || newer[0] < CHECK_SCAN) {
            return check;
        }
        boolean late = tx.createQuery(LATE).bind("user", userId).bind("maxId", covers.maxId())
                .bind("timestamp", timestamp).bind("uniqueId", covers.uniqueId())
                .mapTo(Boolean.class).one();
        return new Check(late, check.covered());
    }

    /** The snapshot every projection (name: version) has at one position; null when one has none or they differ. */
    private Snapshots.Saved common(Handle tx, UUID userId, Map<String, Integer> versions) {
        List<Snapshots.Saved> found = snapshots.find(tx, userId, versions, EventCodec.CURRENT_SCHEMA_VERSION);
        if (found.size() != versions.size()) {
            return null;
        }
        Snapshots.Saved first = found.get(0);
        boolean same = found.stream().allMatch(s -> s.covers().equals(first.covers())
                && s.eventCount() == first.eventCount() && s.unknownTypes().equals(first.unknownTypes()));
        return same ? first : null;
    }

    /** The saved states by projection name; null when one cannot be read (a state class changed, say). */
    private Map<String, Object> states(Handle tx, UUID userId, List<? extends Projection<?>> projections) {
        Map<String, Object> states = new HashMap<>();
        for (Projection<?> p : projections) {
            try {
                states.put(p.name(), snapshots.state(tx, userId, p.name(), p.version(), p.snapshotType().orElseThrow()));
            } catch (IllegalStateException e) {
                LOG.warn("{}; folding from the first event", e.getMessage());
                return null;
            }
        }
        return states;
    }
}
