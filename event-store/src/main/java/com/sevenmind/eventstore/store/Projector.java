package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Projection;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs projections over a user's stream in one pass, through the snapshot cache. It puts together four parts, each
 * with one job: the fold ({@code ResumingFold}), which continues from states held in memory or saved as snapshots
 * when no late event fell before them; the late-event check ({@code LateCheck}); the held states and their leases
 * ({@code HeldStates}): a state is leased to one read until that read's answer is written; and the snapshot saving
 * ({@code SnapshotSaver}), off the read's path: the read answers first.
 *
 * <p>When every projection of a read saves its state ({@link Projection#snapshotType()}) and each has a snapshot of
 * its current version at the same position, the read continues from there: only events after the position are
 * read. Once the states cover {@code saveAfter} events more than the saved snapshots, they are saved at the new
 * position.
 */
public final class Projector implements AutoCloseable {

    /** Events read past a snapshot before the states are saved again: fewer cost less to read than to save. */
    public static final long SAVE_AFTER = 1_000;

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
    /** Null without snapshots. */
    private final SnapshotSaver saver;
    private final HeldStates held;
    private final ResumingFold fold;
    /** Told when this projector is closed: the database that made it then lets it go. */
    private final Consumer<Projector> closed;
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
        this(store, snapshots, saveAfter, heldUsers, StoreMeters.NONE, p -> { });
    }

    /**
     * As above, counting its reads in {@code meters} as {@code eventstore_projector_reads_total{snapshot}}, and
     * telling {@code closed} when it is closed.
     */
    Projector(EventStore store, Snapshots snapshots, long saveAfter, int heldUsers, StoreMeters meters,
              Consumer<Projector> closed) {
        this.closed = closed;
        for (Source source : Source.values()) {
            reads.put(source, meters.counter("eventstore.projector.reads",
                    "Projection reads by where their states came from: the snapshot cache (hit), the first event "
                            + "(miss), or the first event after a late one (rebuilt)",
                    "snapshot", source.label));
        }
        this.store = store;
        this.saver = snapshots == null ? null : new SnapshotSaver(store, snapshots);
        this.held = new HeldStates(heldUsers, saveAfter, saver);
        this.fold = snapshots == null ? null : new ResumingFold(store, snapshots);
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
        if (asOf != null || saving.isEmpty() || fold == null) {
            ProjectionPass pass = new ProjectionPass(projections);
            StreamResult read = store.stream(userId, asOf, pass.payloadFields(), pass.needsReceivedAt(), pass);
            return new Lease(new Result(read.events(), read.unknownTypes(), pass.views(), Source.FULL, read.events()),
                    NOTHING_LEASED);
        }
        // Only when every projection saves are states held and snapshots continued: null otherwise.
        HeldStates.Key key = saving.size() == projections.size() ? HeldStates.Key.of(userId, projections) : null;
        // Leased: taken out while folded and while the answer is written from its views (see project).
        FoldStart inMemory = key == null ? null : held.take(key);
        ResumingFold.Folded folded = fold.fold(userId, projections, key, inMemory);
        if (folded.last() == null) {
            return new Lease(folded.result(), NOTHING_LEASED);
        }
        FoldStart next = folded.next();
        return new Lease(folded.result(), () -> held.release(userId, saving, key, next));
    }

    /** Waits until the saves begun so far are done: they run in order, so until a save begun now has run. */
    public void awaitSaves() {
        if (saver != null) {
            saver.awaitSaves();
        }
    }

    /**
     * Finishes the saves begun, then stops, and the states it holds are let go. The database closes the projectors it
     * made, and not closed, before its pool.
     */
    @Override
    public void close() {
        if (saver != null) {
            saver.close();
        }
        closed.accept(this);
    }
}
