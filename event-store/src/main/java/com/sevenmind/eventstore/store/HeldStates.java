package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Projection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The states of the latest reads, in memory, by user and projection versions, and their leases.
 *
 * <p>The states are the engine's ({@link Projection}'s ownership rule): {@code apply} may change one in place, and a
 * view may read its state while it is written. So a state held here is leased to one read: {@link #take taken} out
 * while that read folds it and while its answer is written from the views, and given back by {@link #release} (or
 * saved first) only once the answer is done. No two reads fold one state object, and no read folds a state whose
 * views are still being written; a read of the same user meanwhile continues from the snapshot table instead.
 */
final class HeldStates {

    /** A user and the projections of a read, by name and version. */
    record Key(UUID userId, Map<String, Integer> versions) {

        static Key of(UUID userId, List<? extends Projection<?>> projections) {
            Map<String, Integer> versions = new HashMap<>();
            projections.forEach(p -> versions.put(p.name(), p.version()));
            return new Key(userId, versions);
        }
    }

    private final Map<Key, FoldStart> held;
    private final long saveAfter;
    /** Null without snapshots. */
    private final SnapshotSaver saver;

    /**
     * @param heldUsers how many users' latest states to keep (0: none)
     * @param saveAfter how many more events than the saved snapshots the states must cover to be saved
     * @param saver     saves them; null for never
     */
    HeldStates(int heldUsers, long saveAfter, SnapshotSaver saver) {
        this.saveAfter = saveAfter;
        this.saver = saver;
        this.held = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, FoldStart> eldest) {
                return size() > heldUsers;
            }
        };
    }

    /** Leases the states held under {@code key}: no other read gets them until {@link #release}; null if none. */
    FoldStart take(Key key) {
        synchronized (held) {
            return held.remove(key);
        }
    }

    /**
     * Ends a lease: saves the states when they cover enough new events since they were last saved (or refused as too
     * large), else holds them under {@code key} (null: not held) for the next read.
     */
    void release(UUID userId, List<? extends Projection<?>> saving, Key key, FoldStart start) {
        if (start.events() - Math.max(start.saved(), start.refused()) < saveAfter) {
            put(key, start);
            return;
        }
        saver.save(userId, saving, start, saved -> put(key, saved));
    }

    private void put(Key key, FoldStart start) {
        if (key == null) {
            return;
        }
        synchronized (held) {
            held.put(key, start);
        }
    }
}
