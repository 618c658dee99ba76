package com.sevenmind.eventstore.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.projecting.Changes;
import com.sevenmind.eventstore.app.projecting.Projected;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.LiveFeed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The delay from an append's commit to a follower's update, as {@code follow} and the live endpoint follow a user:
 * a {@link Changes} subscription on a {@link LiveFeed}, then a re-read of the user's projections. New users are
 * followed, each on a thread of its own; one thread appends one event at a time, round robin, and times from the
 * return of {@code append} (the commit) to the end of the re-read that shows the event. An append waits until its
 * user's follower is past the coalescing interval, so each delay is that of a first change after a quiet spell, not
 * the coalescing's deliberate wait; with enough users that costs no time.
 */
final class BenchLive {

    /** Enough that a user's turn comes round after the coalescing interval anyway. */
    private static final int USERS = 25;
    private static final long TIMEOUT_SECONDS = 30;

    /** Delays in milliseconds over {@code appends} appends. */
    record Result(int appends, double medianMillis, double p99Millis, double maxMillis) {
    }

    /** When a follower's re-read ended, and how many events it saw. */
    private record Update(long events, long atNanos) {
    }

    private BenchLive() {
    }

    static Result measure(Database db, EventCodec codec, ObjectMapper mapper, List<Projection<?>> projections,
                          int appends) throws InterruptedException {
        EventStore store = db.eventStore(codec);
        UserProjections userProjections = new UserProjections(db.projector(codec, mapper));
        List<UUID> users = new ArrayList<>();
        List<BlockingQueue<Update>> updates = new ArrayList<>();
        List<Thread> followers = new ArrayList<>();
        try (LiveFeed feed = db.liveFeed()) {
            for (int u = 0; u < USERS; u++) {
                UUID user = UUID.randomUUID();
                BlockingQueue<Update> queue = new LinkedBlockingQueue<>();
                Thread follower = new Thread(() -> follow(feed, userProjections, user, projections, queue),
                        "bench-live-" + u);
                follower.setDaemon(true);
                follower.start();
                users.add(user);
                updates.add(queue);
                followers.add(follower);
            }
            long[] lastUpdate = new long[USERS];
            for (int u = 0; u < USERS; u++) {
                lastUpdate[u] = next(updates.get(u), 0).atNanos();
            }
            long[] delays = new long[appends];
            for (int i = 0; i < appends; i++) {
                int u = i % USERS;
                long quietFor = TimeUnit.MILLISECONDS.toNanos(Changes.MIN_INTERVAL_MILLIS)
                        - (System.nanoTime() - lastUpdate[u]);
                if (quietFor > 0) {
                    TimeUnit.NANOSECONDS.sleep(quietFor);
                }
                store.append(new ContentPieceStarted(users.get(u), "live-" + i, "live-session-" + i, Instant.now(),
                        "Europe/Berlin", "de-DE", "sevenmind://content/single/bench/recording/live"));
                long committed = System.nanoTime();
                lastUpdate[u] = next(updates.get(u), i / USERS + 1).atNanos();
                delays[i] = lastUpdate[u] - committed;
            }
            Arrays.sort(delays);
            return new Result(appends, millis(delays[(appends - 1) / 2]),
                    millis(delays[(int) Math.ceil(appends * 0.99) - 1]), millis(delays[appends - 1]));
        } finally {
            followers.forEach(Thread::interrupt);
        }
    }

    /** As follow does: read, then read again after each change, until interrupted. */
    private static void follow(LiveFeed feed, UserProjections userProjections, UUID user,
                               List<Projection<?>> projections, BlockingQueue<Update> updates) {
        try (Changes changes = Changes.of(feed, user)) {
            while (true) {
                long events = userProjections.project(user, projections, Projected::eventCount);
                updates.add(new Update(events, System.nanoTime()));
                changes.await();
            }
        } catch (InterruptedException e) {
            // The measurement is over.
        }
    }

    /** The first update that shows at least {@code events} events. */
    private static Update next(BlockingQueue<Update> updates, long events) throws InterruptedException {
        while (true) {
            Update update = updates.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (update == null) {
                throw new IllegalStateException("no update showing " + events + " events within " + TIMEOUT_SECONDS
                        + " s: is the live feed listening?");
            }
            if (update.events() >= events) {
                return update;
            }
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
