package com.sevenmind.eventstore.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;

/**
 * Keeps {@link GlobalProjection}s: each is a {@link FeedSubscription} named {@code global:NAME} whose effect is the
 * projection's state, saved in {@code global_projections} in the transaction that moves the position on, so every
 * event is folded exactly once. A state of another {@code version()} is folded again from the beginning; so is one
 * that meets a forget after the last it reflects: the forgotten user's events are no longer stored, and a view must
 * equal a fold of the events stored up to its position.
 */
public final class GlobalProjections {

    /** Entries folded per transaction. */
    private static final int BATCH = Feed.MAX_LIMIT;

    private final Database database;
    private final EventCodec codec;
    private final ObjectMapper mapper;

    /**
     * The global projections of a store.
     *
     * @param database the store
     * @param codec    reads the stored events
     * @param mapper   saves and reads the states
     */
    public GlobalProjections(Database database, EventCodec codec, ObjectMapper mapper) {
        this.database = database;
        this.codec = codec;
        this.mapper = mapper;
    }

    /** A projection's view and the feed position it covers. */
    public record Result(String projection, String position, Object view) {
    }

    /**
     * Folds what is new into the projection's state, up to what was final when the feed was read (appends that
     * commit meanwhile are folded by the next call); returns the view. While another reader (a {@code serve}, which
     * keeps it current) holds the projection, returns the state that reader saved last instead.
     *
     * @param projection the global projection
     * @return its view and the position it covers
     * @throws NotBuilt when the other reader is folding it again from the beginning
     */
    public Result catchUp(GlobalProjection<?> projection) {
        try {
            return run(projection, false, n -> { });
        } catch (FeedSubscription.Held held) {
            return saved(projection);
        }
    }

    /**
     * The state last saved, and its position; refused when none of this version is saved yet.
     *
     * @param projection the global projection
     * @return its view and the position it covers
     */
    public Result saved(GlobalProjection<?> projection) {
        Map<String, Object> row = database.jdbi().withHandle(h -> h.createQuery("""
                        SELECT g.version, g.state::text AS state, s.position
                        FROM global_projections g JOIN feed_subscriptions s ON s.name = 'global:' || g.name
                        WHERE g.name = :n""")
                .bind("n", projection.name()).mapToMap().findOne().orElse(null));
        if (row == null || (Integer) row.get("version") != projection.version()) {
            throw new NotBuilt(projection.name());
        }
        return new Result(projection.name(), (String) row.get("position"),
                view(projection, (String) row.get("state")));
    }

    private <S> Object view(GlobalProjection<S> projection, String state) {
        return projection.view(read(projection, state));
    }

    /**
     * Folds the projection again from the beginning, telling {@code progress} the events folded so far.
     *
     * @param projection the global projection
     * @param progress   told the events folded so far
     * @return its view and the position it covers
     */
    public Result rebuild(GlobalProjection<?> projection, LongConsumer progress) {
        return run(projection, true, progress);
    }

    private <S> Result run(GlobalProjection<S> projection, boolean rebuild, LongConsumer progress) {
        try (FeedSubscription subscription = FeedSubscription.open(database, "global:" + projection.name())) {
            Fold<S> fold = new Fold<>(projection, subscription);
            Map<String, Object> saved = subscription.handle().createQuery(
                            "SELECT version, state::text AS state, forgotten FROM global_projections WHERE name = :n")
                    .bind("n", projection.name()).mapToMap().findOne().orElse(null);
            if (rebuild || saved == null || (Integer) saved.get("version") != projection.version()) {
                fold.restart(subscription.position());
            } else {
                fold.state = read(projection, (String) saved.get("state"));
                fold.forgotten = FeedPosition.parse((String) saved.get("forgotten"));
            }
            long folded = 0;
            while (true) {
                int n;
                try {
                    n = subscription.process(BATCH, fold::apply);
                } catch (Forgotten f) {
                    fold.restart(f.position);
                    folded = 0;
                    continue;
                }
                if (n > 0) {
                    folded += n;
                    progress.accept(folded);
                }
                // Less than a batch: the read reached what was final when it ran. Reading again at once would find
                // only what committed since, a few events a read under a steady load of appends, so a keeper that
                // never stopped reading would cost the database a read every few events.
                if (n < BATCH) {
                    break;
                }
            }
            return new Result(projection.name(), subscription.position().toString(), projection.view(fold.state));
        }
    }

    /** One run's state, and what it does with a batch. */
    private final class Fold<S> {
        final GlobalProjection<S> projection;
        final FeedSubscription subscription;
        S state;
        FeedPosition forgotten = FeedPosition.START;

        Fold(GlobalProjection<S> projection, FeedSubscription subscription) {
            this.projection = projection;
            this.subscription = subscription;
        }

        /** Back to the beginning, reflecting every forget up to {@code upTo}: those users' events are gone. */
        void restart(FeedPosition upTo) {
            state = projection.initialState();
            forgotten = upTo;
            subscription.restart(this::save);
        }

        void apply(Handle tx, List<FeedEntry> entries) {
            for (FeedEntry entry : entries) {
                if (entry instanceof FeedEntry.Stored e) {
                    state = projection.apply(state, recorded(e));
                } else if (tombstone(entry.position()).compareTo(tombstone(forgotten)) > 0) {
                    throw new Forgotten(entry.position());
                }
            }
            save(tx);
        }

        void save(Handle tx) {
            tx.createUpdate("""
                            INSERT INTO global_projections (name, version, state, forgotten)
                            VALUES (:n, :v, CAST(:s AS jsonb), :f)
                            ON CONFLICT (name) DO UPDATE SET version = :v, state = CAST(:s AS jsonb), forgotten = :f,
                                                             updated_at = now()""")
                    .bind("n", projection.name()).bind("v", projection.version()).bind("s", write(state))
                    .bind("f", forgotten.toString()).execute();
        }
    }

    /** Where a tombstone is among tombstones: they are all written on one node, the coordinator on Citus. */
    private static FeedPosition.Cursor tombstone(FeedPosition position) {
        return position.cursor(FeedPosition.LOCAL);
    }

    private RecordedEvent recorded(FeedEntry.Stored e) {
        return new RecordedEvent(e.id(), e.schemaVersion(), e.recordedAt(), e.user(), e.uniqueId(),
                e.eventType(), e.timestamp(), codec.fromStored(e.eventType(), e.schemaVersion(), e.user(),
                e.uniqueId(), e.timestamp(), e.payload()), e.receivedAt());
    }

    private String write(Object state) {
        try {
            return mapper.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a global projection's state: " + e.getMessage(), e);
        }
    }

    private <S> S read(GlobalProjection<S> projection, String json) {
        try {
            return mapper.readValue(json, projection.stateType());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read the saved state of global projection '" + projection.name()
                    + "': " + e.getMessage(), e);
        }
    }

    /** Another process holds the projection and has not saved a state of this version yet. */
    public static final class NotBuilt extends StoreException {
        NotBuilt(String name) {
            super("global projection '" + name + "' is being built by another process; try again");
        }
    }

    /** A forget after the last the state reflects: the batch is undone, and the fold begins again. */
    private static final class Forgotten extends RuntimeException {
        final FeedPosition position;

        Forgotten(FeedPosition position) {
            super(null, null, false, false);
            this.position = position;
        }
    }
}
