package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.codec.EventCodec;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves a read's states as snapshots off the read's path, one save at a time, in order. A read that has states to
 * save while one save runs and another waits, waits itself: no more than two states wait to be written, whatever
 * the number of users.
 */
final class SnapshotSaver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSaver.class);
    /** How long a close waits for the saves begun. */
    private static final long CLOSE_SECONDS = 60;

    private final EventStore store;
    private final Snapshots snapshots;
    private final ThreadPoolExecutor saver = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1), task -> {
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

    SnapshotSaver(EventStore store, Snapshots snapshots) {
        this.store = store;
        this.snapshots = snapshots;
    }

    /**
     * Saves the states of {@code saving}, all or none, then gives them to {@code then} (to hold in memory): not
     * before, as a read that took them could change them while they are written. A state over the size limit saves
     * none of them, so the snapshots saved before stay at one position (a new process continues from there), and
     * nothing is recorded as saved. When the save fails, or the saver is closed, nothing is given: only a cache, and
     * the next read folds from what is saved.
     */
    void save(UUID userId, List<? extends Projection<?>> saving, FoldStart start, Consumer<FoldStart> then) {
        try {
            saver.execute(() -> {
                boolean saved;
                try {
                    saved = saveAll(userId, saving, start);
                } catch (RuntimeException e) {
                    LOG.warn("cannot save the snapshots of user {}: {}", userId, e.getMessage());
                    return;
                }
                then.accept(start.afterSave(saved));
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("not saving the snapshots of user {}: {}", userId, e.getMessage());
        }
    }

    private boolean saveAll(UUID userId, List<? extends Projection<?>> saving, FoldStart start) {
        return store.inDatabase(h -> h.inTransaction(tx -> {
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
    }

    /** Waits until the saves begun so far are done: they run in order, so until a save begun now has run. */
    void awaitSaves() {
        try {
            saver.submit(() -> { }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the saver failed", e.getCause());
        }
    }

    /** Finishes the saves begun, then stops. */
    @Override
    public void close() {
        saver.shutdown();
        try {
            if (!saver.awaitTermination(CLOSE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("stopping with snapshot saves still running after {} s", CLOSE_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
