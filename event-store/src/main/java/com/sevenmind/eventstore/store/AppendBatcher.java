package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: single events appended by concurrent callers share transactions. A caller hands one event and waits
 * for the commit that holds it. A caller that finds no batch committing commits at once, on its own thread, whatever
 * is queued, so a lone caller waits for nothing. Callers that come while a batch commits queue; when it has
 * committed, the first of them commits the next batch for all of them (up to {@code maxBatch}). So there is no
 * thread of its own to stop: every waiting caller is answered by a commit in progress or by its own.
 *
 * <p>One batch commits at a time. Several at once (measured with up to 4, in batches that never shared a user) made
 * smaller batches, so more commits a push, and cost more CPU than the shared flushes saved (docs/benchmarks.md#push).
 * Each caller gets the
 * outcome of its own event; an event the database refuses is reported to its caller alone, and the others of its
 * batch are stored. A failure of the database fails every caller of the batch: none of them is told it was stored.
 * Two events with one key are never in one batch, so that each caller is told what became of its own content: the
 * later one waits for the next batch, where the first one is stored. On Citus, a batch that fails because a worker is
 * unreachable is tried again one event at a time: only the callers whose users live on that worker fail.
 *
 * <p>The live feeds are told of the users a commit stored by a thread of the batcher's own, after its callers are
 * answered: they wait for the commit alone, and the next batch for no notification. Users stored while it notifies
 * go together in its next notification.
 *
 * <p>Each commit is a span of the {@link Tracer} given (none by default), linked to the span of every caller whose
 * event it holds: the context current when the caller called {@link #append}. The span's parent is the context of
 * the caller that commits.
 */
public final class AppendBatcher {

    private static final Logger LOG = LoggerFactory.getLogger(AppendBatcher.class);

    /** A batch's size and its COPY text stay small; past some hundreds of events a commit costs no less per event. */
    public static final int MAX_BATCH = 500;

    /**
     * How long a caller waits for the commits before its own: they take milliseconds, so a longer wait means a hung
     * or overwhelmed database, and a caller held longer would hold a server's worker that reads and health checks
     * need too. Past it the caller fails, its event not appended.
     */
    public static final Duration MAX_WAIT = Duration.ofSeconds(1);

    private static final AppendResult STORED = new AppendResult(1, 0, 0);
    private static final AppendResult DUPLICATE = new AppendResult(0, 1, 0);
    private static final AppendResult CONFLICT = new AppendResult(0, 0, 1);
    private static final AppendResult FORGOTTEN = new AppendResult(0, 0, 0, 1);
    /** The commit span's attributes, as OpenTelemetry's semantic conventions for databases name them. */
    private static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
    private static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
    private static final AttributeKey<String> DB_COLLECTION_NAME = AttributeKey.stringKey("db.collection.name");
    /** The events the commit holds (not db.operation.batch.size, which counts statements). */
    private static final AttributeKey<Long> EVENTS = AttributeKey.longKey("eventstore.events");

    /** Batches committed (or failed), and the events they held. */
    public record Counts(long batches, long events) {
    }

    private final EventStore store;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final Tracer tracer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Events handed and not yet taken into a batch, oldest first. */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Users stored and not yet told of: the notifier's next notification; its monitor guards it. */
    private final Set<UUID> toNotify = new HashSet<>();
    /** Whether the notifier has a notification of {@link #toNotify} to send, under its monitor. */
    private boolean notifyQueued;
    /** One thread, which ends when idle: a batcher needs no closing. */
    private final ExecutorService notifier = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread thread = new Thread(r, "eventstore-notify");
                thread.setDaemon(true);
                return thread;
            });
    /** Whether a caller is committing a batch: then the others queue for the next. */
    private boolean committing;
    private long batches;
    private long events;

    /**
     * A batcher of appends to {@code store}.
     *
     * @param store    the store appended to
     * @param maxBatch how many events a commit holds at most, see {@link #MAX_BATCH}
     * @param maxWait  how long a caller may wait for the commits before its own, see {@link #MAX_WAIT}
     */
    public AppendBatcher(EventStore store, int maxBatch, Duration maxWait) {
        this(store, maxBatch, maxWait, TracerProvider.noop().get(AppendBatcher.class.getName()));
    }

    /**
     * As above, each commit a span of {@code tracer}: see the class's description.
     *
     * @param store    the store appended to
     * @param maxBatch how many events a commit holds at most
     * @param maxWait  how long a caller may wait for the commits before its own
     * @param tracer   the tracer of the commits' spans
     */
    public AppendBatcher(EventStore store, int maxBatch, Duration maxWait, Tracer tracer) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("a batch holds at least one event, was " + maxBatch);
        }
        this.store = store;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.tracer = tracer;
    }

    /**
     * Appends one event with its metadata, in the current schema version, in a transaction it may share with other
     * callers', and returns once that has committed. Returns what {@link EventStore#append(List, AppendOptions)}
     * would for the event alone: one stored, duplicate, conflict or forgotten; or nothing, when the database refused
     * the event, after telling {@code onRefused} its reason.
     *
     * @param event the event
     * @param metadata the metadata of each event, in their order; null for none
     * @param onRefused told of each refused event, with the database's reason and its index
     * @return what became of the event alone
     * @throws StoreException when the database failed: the event may or may not be stored; or when the commits
     *                        before its own took longer than the wait allowed: then it was not appended
     */
    public AppendResult append(Event event, PipelineMetadata metadata, Consumer<String> onRefused) {
        Pending mine = new Pending(event, metadata, Context.current(), lock.newCondition());
        boolean interrupted = false;
        lock.lock();
        try {
            queue.addLast(mine);
            if (!committing) {
                committing = true;
                mine.batch = take();
            }
            long deadline = System.nanoTime() + maxWaitNanos;
            while (!mine.done && mine.batch == null) {
                if (mine.taken) {
                    // In a batch that commits: only its outcome tells whether the event is stored.
                    mine.turn.awaitUninterruptibly();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    queue.remove(mine);
                    throw new StoreException(String.format("database error: the commits before this event's took "
                            + "over %d ms; it was not appended", TimeUnit.NANOSECONDS.toMillis(maxWaitNanos)));
                }
                try {
                    mine.turn.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            // A batch given to a caller starts with its own event: once committed, the caller's outcome is known.
            List<Pending> batch = mine.batch;
            if (batch != null) {
                lock.unlock();
                try {
                    commit(batch);
                } finally {
                    lock.lock();
                    handOver(batch);
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (mine.failure instanceof RuntimeException e) {
            throw e;
        }
        if (mine.failure instanceof Error e) {
            throw e;
        }
        if (mine.refusal != null) {
            onRefused.accept(mine.refusal);
            return AppendResult.NONE;
        }
        return mine.result;
    }

    /**
     * How many batches have been committed so far, with how many events.
     *
     * @return the batches and events so far
     */
    public Counts counts() {
        lock.lock();
        try {
            return new Counts(batches, events);
        } finally {
            lock.unlock();
        }
    }

    /** Events handed and not yet in a batch: the callers waiting for a commit after the one in progress. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Answers the callers of a committed batch, and gives the next batch to the first caller still queued; under
     * the lock.
     */
    private void handOver(List<Pending> batch) {
        batches++;
        events += batch.size();
        for (Pending p : batch) {
            p.done = true;
            p.turn.signal();
        }
        Pending next = queue.peekFirst();
        if (next == null) {
            committing = false;
        } else {
            next.batch = take();
            next.turn.signal();
        }
    }

    /** Takes the oldest queued events, up to the cap, leaving any with a key the batch already holds. */
    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        Set<EventKey> keys = new HashSet<>();
        for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
            Pending p = it.next();
            if (keys.add(EventKey.of(p.event))) {
                it.remove();
                p.taken = true;
                batch.add(p);
            }
        }
        return batch;
    }

    private void commit(List<Pending> batch) {
        int n = batch.size();
        AppendResult[] results = new AppendResult[n];
        Arrays.fill(results, STORED);
        String[] refusals = new String[n];
        Span span = span(batch);
        try (Scope ignored = span.makeCurrent()) {
            store.append(batch.stream().map(p -> p.event).toList(), AppendOptions.DEFAULTS
                    .withMetadata(batch.stream().map(p -> p.metadata).toList())
                    .withRefusals((reason, index) -> refusals[index] = reason)
                    .withListener(new AppendListener() {
                        @Override
                        public void conflict(int index) {
                            results[index] = CONFLICT;
                        }

                        @Override
                        public void duplicate(int index) {
                            results[index] = DUPLICATE;
                        }

                        @Override
                        public void forgotten(int index) {
                            results[index] = FORGOTTEN;
                        }
                    }), this::publish);
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            span.end();
            if (n > 1 && Database.unreachableWorker(e) != null) {
                // On Citus, one worker down fails a batch that touches it: each event is tried alone, so that the
                // users on the other workers are still served. Appends are idempotent: an event the failed batch
                // may have stored after all comes back a duplicate.
                batch.forEach(p -> commit(List.of(p)));
                return;
            }
            // Every caller of the batch is answered, whatever went wrong: none may wait for ever.
            batch.forEach(p -> p.failure = e);
            return;
        }
        span.end();
        for (int i = 0; i < n; i++) {
            batch.get(i).result = results[i];
            batch.get(i).refusal = refusals[i];
        }
    }

    /**
     * Has the live feeds told of {@code users}, stored by a commit, by the notifier's thread: the callers are answered
     * without waiting for it, and users stored while it notifies are told of together, in its next notification.
     */
    private void publish(Set<UUID> users) {
        synchronized (toNotify) {
            toNotify.addAll(users);
            if (notifyQueued) {
                return;
            }
            notifyQueued = true;
        }
        notifier.execute(() -> {
            Set<UUID> pending;
            synchronized (toNotify) {
                pending = Set.copyOf(toNotify);
                toNotify.clear();
                notifyQueued = false;
            }
            try {
                store.publish(pending);
            } catch (RuntimeException e) {
                LOG.warn("live feed: the append committed, but notifying its {} users failed: {}", pending.size(),
                        e.getMessage());
            }
        });
    }

    /** The commit's span, started: linked to the span of each caller in the batch. */
    private Span span(List<Pending> batch) {
        SpanBuilder builder = tracer.spanBuilder("INSERT events").setSpanKind(SpanKind.CLIENT)
                .setAttribute(DB_SYSTEM_NAME, "postgresql")
                .setAttribute(DB_OPERATION_NAME, "INSERT")
                .setAttribute(DB_COLLECTION_NAME, "events")
                .setAttribute(EVENTS, (long) batch.size());
        for (Pending p : batch) {
            SpanContext caller = Span.fromContext(p.context).getSpanContext();
            if (caller.isValid()) {
                builder.addLink(caller);
            }
        }
        return builder.startSpan();
    }

    /** A caller's event, and what became of it; its fields are read after {@code done} is seen under the lock. */
    private static final class Pending {

        final Event event;
        final PipelineMetadata metadata;
        /** The caller's context, whose span the commit links to. */
        final Context context;
        final Condition turn;
        /** The batch this caller is to commit, its own event first. */
        List<Pending> batch;
        /** In a batch: the caller must wait for its outcome. */
        boolean taken;
        boolean done;
        AppendResult result;
        String refusal;
        Throwable failure;

        Pending(Event event, PipelineMetadata metadata, Context context, Condition turn) {
            this.event = event;
            this.metadata = metadata;
            this.context = context;
            this.turn = turn;
        }
    }
}
