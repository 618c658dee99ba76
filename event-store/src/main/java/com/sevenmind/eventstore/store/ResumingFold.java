package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Projector.Result;
import com.sevenmind.eventstore.store.Projector.Source;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds a user's projections in one view of the table, continuing from states held in memory, else from the
 * snapshots, else from the first event. A start is used only when the event it ends on is still stored (a forgotten
 * user's is not) and no late event fell before it ({@link LateCheck}).
 *
 * <p>The position a fold ends on records the highest id drawn when the read's view of the table was taken. The late
 * check needs every event of the user with an id at or below it to be in that view. Ids are drawn when rows are
 * written, not when they commit, so an append in flight could commit an id below it later. Appenders therefore hold
 * their users' advisory locks shared until they commit, and a read takes its user's lock exclusively while it takes
 * its view and reads the bound: every append of the user that drew ids before is committed and seen, and any later
 * one draws higher ids. The bound, not the user's own highest id, keeps the check to the events stored since the
 * read, however long ago the user's last one was.
 */
final class ResumingFold {

    private static final Logger LOG = LoggerFactory.getLogger(ResumingFold.class);

    /**
     * The highest id drawn so far, committed or not (0 before the first): read while appends of the user wait, it
     * bounds the ids of every event of the user the read can see, and any event of the user stored later has a
     * higher one. And the oldest transaction running in the read's view: a transaction that draws an id above the
     * bound either ran then or began later, so its events' {@code tx} is at or above it (the late check scans the
     * feed's index from there). The same statement lets the user's appends go once the sequence's row is read (a
     * row is read before what is made of it): one round trip.
     */
    private static final String DRAWN = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS drawn,"
            + " pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS since, pg_advisory_unlock(?) AS unlocked"
            + " FROM events_id_seq";

    /**
     * A read's transaction: its isolation, set in the transaction rather than on the connection (which would take a
     * round trip to set it back after), and the stream's settings. Two statements the driver sends in one round trip,
     * with the transaction's {@code BEGIN}; neither takes the transaction's view of the table.
     */
    static final String READ_SETTINGS = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; "
            + EventStore.STREAM_SETTINGS;

    /** The highest id drawn and the oldest transaction running, when a read took its view. */
    private record Drawn(long id, long sinceTx) {
    }

    private final EventStore store;
    private final Snapshots snapshots;
    private final LateCheck lateCheck;

    ResumingFold(EventStore store, Snapshots snapshots) {
        this.store = store;
        this.snapshots = snapshots;
        this.lateCheck = new LateCheck(store);
    }

    /**
     * A fold's result, its states, the position it ended on, and what it continued from.
     *
     * @param last  the last event folded, with the drawn-id bound; null for an empty stream
     * @param start what the fold continued from; null: the first event
     */
    record Folded(Result result, ProjectionPass pass, StreamPosition last, FoldStart start) {

        /** The states to hold or save once the read's answer is written. */
        FoldStart next() {
            return new FoldStart(pass.states(), last, result.events(), result.unknownTypes(),
                    start == null ? 0 : start.saved(), start == null ? 0 : start.refused());
        }
    }

    /**
     * Folds {@code projections} over the user's stream.
     *
     * @param key      the held states' key, when every projection saves; null: fold from the first event
     * @param inMemory the states leased from memory; null: from the snapshots, if any
     */
    Folded fold(UUID userId, List<? extends Projection<?>> projections, HeldStates.Key key, FoldStart inMemory) {
        long lock = EventStore.userLock(userId);
        return store.inDatabase(h -> {
            h.execute("SELECT pg_advisory_lock(?)", lock);
            boolean[] locked = {true};
            try {
                return h.inTransaction(tx -> {
                    tx.execute(READ_SETTINGS);
                    // The transaction's view of the table is taken by its first query, under the lock; so is the
                    // highest id drawn: every event of the user at or below it is in that view.
                    Drawn drawn = tx.createQuery(DRAWN).bind(0, lock)
                            .map((rs, ctx) -> new Drawn(rs.getLong("drawn"), rs.getLong("since"))).one();
                    locked[0] = false;
                    return fold(tx, userId, projections, key, inMemory, drawn);
                });
            } finally {
                if (locked[0]) {
                    h.execute("SELECT pg_advisory_unlock(?)", lock);
                }
            }
        });
    }

    private Folded fold(Handle tx, UUID userId, List<? extends Projection<?>> projections, HeldStates.Key key,
                        FoldStart inMemory, Drawn drawn) {
        List<Snapshots.Found> found = key != null && inMemory == null ? common(tx, userId, key.versions()) : null;
        Snapshots.Saved saved = found == null ? null : found.get(0).saved();
        FoldStart start = inMemory != null ? inMemory : saved == null ? null
                : new FoldStart(null, saved.covers(), saved.eventCount(), saved.unknownTypes(), saved.eventCount(), 0);
        Source source = Source.FULL;
        if (start != null) {
            LateCheck.Result check = lateCheck.check(tx, userId, start.covers());
            if (check.late() && check.covered()) {
                source = Source.REBUILT;
            }
            if (check.late() || !check.covered()) {
                start = null;
            }
        }
        if (start != null && start.states() == null) {
            Map<String, Object> states = states(found, projections);
            start = states == null ? null : start.withStates(states);
        }
        if (start != null) {
            source = Source.RESUMED;
        }
        ProjectionPass pass = new ProjectionPass(projections, start == null ? Map.of() : start.states());
        StreamResult read = store.streamIn(tx, userId, null, pass.payloadFields(), pass.needsReceivedAt(),
                start == null ? null : start.covers(), pass);
        long events = read.events();
        Map<String, Long> unknown = new TreeMap<>(read.unknownTypes());
        if (start != null) {
            events += start.events();
            start.unknownTypes().forEach((type, n) -> unknown.merge(type, n, Long::sum));
        }
        StreamPosition last = read.last() == null ? null
                : new StreamPosition(read.last().timestamp(), read.last().uniqueId(), read.last().id(),
                        drawn.id(), drawn.sinceTx());
        return new Folded(new Result(events, unknown, pass.views(), source, read.events()), pass, last, start);
    }

    /**
     * The snapshots, with their states, that every projection (name: version) has at one position; null when one has
     * none or they differ.
     */
    private List<Snapshots.Found> common(Handle tx, UUID userId, Map<String, Integer> versions) {
        List<Snapshots.Found> found = snapshots.find(tx, userId, versions, EventCodec.CURRENT_SCHEMA_VERSION);
        if (found.size() != versions.size()) {
            return null;
        }
        Snapshots.Saved first = found.get(0).saved();
        boolean same = found.stream().map(Snapshots.Found::saved).allMatch(s -> s.covers().equals(first.covers())
                && s.eventCount() == first.eventCount() && s.unknownTypes().equals(first.unknownTypes()));
        return same ? found : null;
    }

    /** The saved states by projection name; null when one cannot be read (a state class changed, say). */
    private Map<String, Object> states(List<Snapshots.Found> found, List<? extends Projection<?>> projections) {
        Map<String, Object> states = new HashMap<>();
        for (Projection<?> p : projections) {
            Snapshots.Found snapshot = found.stream().filter(f -> f.saved().projection().equals(p.name()))
                    .findFirst().orElseThrow();
            try {
                states.put(p.name(), snapshots.state(snapshot, p.snapshotType().orElseThrow()));
            } catch (IllegalStateException e) {
                LOG.warn("{}; folding from the first event", e.getMessage());
                return null;
            }
        }
        return states;
    }
}
