package com.sevenmind.eventstore.app.projecting;

import com.sevenmind.eventstore.store.LiveFeed;
import java.time.Duration;
import java.util.UUID;

/**
 * The changes to one user's events, for a follower that re-reads the user's projections after each: the first change
 * after a quiet spell is seen at once, a burst is coalesced into at most one re-read per {@link #MIN_INTERVAL_MILLIS}, and a
 * change that comes during a re-read brings one more, so the last change is never lost.
 */
public final class Changes implements AutoCloseable {

    /** At most one re-read this often per follower: an import of many batches is shown a few times a second. */
    public static final long MIN_INTERVAL_MILLIS = 100;

    private final LiveFeed.Subscription subscription;
    private boolean changed;
    /** When the first change not yet taken came, and when the one last taken came, as {@link System#nanoTime()}. */
    private long changedAt;
    private long takenChangedAt;
    private boolean ended;
    private long lastTaken = System.nanoTime();

    private Changes(LiveFeed feed, UUID user) {
        this.subscription = user == null ? feed.subscribeAll(this::changed) : feed.subscribe(user, this::changed);
    }

    /** Subscribes to {@code user}'s changes; read the projections once after this, then after each {@link #await}. */
    public static Changes of(LiveFeed feed, UUID user) {
        return new Changes(feed, user);
    }

    private synchronized void changed() {
        if (!changed) {
            changedAt = System.nanoTime();
        }
        changed = true;
        notifyAll();
    }

    /** Subscribes to every user's changes: for a reader of the whole feed. */
    public static Changes ofEveryUser(LiveFeed feed) {
        return new Changes(feed, null);
    }

    /** Waits for a change, then out the rest of the interval since the last one taken. */
    public void await() throws InterruptedException {
        await(Duration.ofNanos(Long.MAX_VALUE));
    }

    /** Wakes a waiting {@link #await}, for good: its reader is gone. */
    public synchronized void end() {
        ended = true;
        notifyAll();
    }

    public synchronized boolean ended() {
        return ended;
    }

    /**
     * As {@link #await()}, but gives up after {@code timeout}, or once {@link #end} is called: true when there is
     * something new to read.
     */
    public synchronized boolean await(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long timeoutNanos = timeout.toNanos();
        long left;
        while (!changed) {
            if (ended || (left = timeoutNanos - (System.nanoTime() - start)) <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        long intervalNanos = MIN_INTERVAL_MILLIS * 1_000_000;
        while ((left = intervalNanos - (System.nanoTime() - lastTaken)) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        changed = false;
        lastTaken = System.nanoTime();
        takenChangedAt = changedAt;
        return true;
    }

    /** When the feed told of the change that the last {@link #await} returned for, as {@link System#nanoTime()}. */
    public synchronized long changedAt() {
        return takenChangedAt;
    }

    @Override
    public void close() {
        subscription.close();
    }
}
