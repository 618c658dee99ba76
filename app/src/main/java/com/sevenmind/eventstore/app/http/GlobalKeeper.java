package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.app.projecting.Changes;
import com.sevenmind.eventstore.store.FeedSubscription;
import com.sevenmind.eventstore.store.GlobalProjections;
import com.sevenmind.eventstore.store.LiveFeed;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every global projection current while {@code serve} runs: on a thread of its own, it folds what is new after
 * each append's notification and at least every {@link #POLL}, so a view is at most about a second behind a commit.
 * After each fold it rests {@link #REST_PER_FOLD} times as long as the fold took, so under a steady load it spends at
 * most a fifth of its time folding.
 * Of several servers on one store, one at a time folds each projection (it holds the projection's subscription); the
 * others pass.
 */
final class GlobalKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalKeeper.class);
    static final Duration POLL = Duration.ofSeconds(1);
    /**
     * After a fold the keeper rests this many times as long as the fold took (at most {@link #POLL}) before it waits
     * for the next change: a fold costs the database mostly by the read, not by the events read (on Citus a read is
     * a statement on every node and a query on every shard, tens of milliseconds), so under a steady load its reads
     * take about a fifth of its time and each takes in more events.
     */
    static final int REST_PER_FOLD = 4;

    private final Thread thread;
    private final Map<String, String> failures = new HashMap<>();
    private volatile boolean closed;

    GlobalKeeper(LiveFeed feed, GlobalProjections globals, List<GlobalProjection<?>> projections) {
        thread = new Thread(() -> run(feed, globals, projections), "global-projections");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run(LiveFeed feed, GlobalProjections globals, List<GlobalProjection<?>> projections) {
        try (Changes changes = Changes.ofEveryUser(feed)) {
            while (!closed) {
                long started = System.nanoTime();
                for (GlobalProjection<?> projection : projections) {
                    try {
                        globals.catchUp(projection);
                    } catch (FeedSubscription.Held held) {
                        LOG.debug("global projection {}: folded by another process", projection.name());
                    } catch (RuntimeException e) {
                        // Said once while it lasts (a database away, a Citus cluster), not every second.
                        String why = ErrorMessages.describe(e);
                        if (!why.equals(failures.put(projection.name(), why))) {
                            LOG.warn("global projection {}: {}; trying again every {} s", projection.name(), why,
                                    POLL.toSeconds());
                        }
                        continue;
                    }
                    failures.remove(projection.name());
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(POLL.toNanos(), REST_PER_FOLD * (System.nanoTime() - started)));
                changes.await(POLL);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
