package com.sevenmind.eventstore.store;

import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * A named, durable reader of the {@link Feed}: its position is kept in the store ({@code feed_subscriptions}) and
 * only one reader holds a name at a time (a session advisory lock on the reader's own connection, released when it
 * closes or its connection is lost). {@link #process} applies a batch's effects and moves the position past it in
 * one transaction, so an effect in the same database is applied exactly once, whatever crashes.
 */
public final class FeedSubscription implements AutoCloseable {

    /** The advisory lock's first key, the name's hash the second: apart from the users' single-key locks. */
    private static final String KEYS = "(hashtext('eventstore.feed_subscription'), hashtext(:name))";

    /** What a consumer does with a batch, inside the transaction that then saves the position after it. */
    @FunctionalInterface
    public interface Effects {
        /**
         * Applies a batch.
         *
         * @param transaction the transaction that saves the position after the entries
         * @param entries     the entries, in feed order
         */
        void apply(Handle transaction, List<FeedEntry> entries);
    }

    private final Feed feed;
    private final Handle handle;
    private final String name;
    private FeedPosition position;

    private FeedSubscription(Feed feed, Handle handle, String name, FeedPosition position) {
        this.feed = feed;
        this.handle = handle;
        this.name = name;
        this.position = position;
    }

    /**
     * Takes the subscription {@code name}, made at the feed's beginning when new; refused while another reader, in
     * this process or another, holds it.
     *
     * @param database the store
     * @param name     the subscription, created at the feed's start when new
     * @return the subscription, held by this reader until closed
     * @throws Held when another reader holds it
     */
    public static FeedSubscription open(Database database, String name) {
        Handle handle = database.jdbi().open();
        boolean locked;
        try {
            locked = handle.createQuery("SELECT pg_try_advisory_lock" + KEYS).bind("name", name)
                    .mapTo(Boolean.class).one();
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        if (!locked) {
            handle.close();
            throw new Held(name);
        }
        try {
            handle.createUpdate("INSERT INTO feed_subscriptions (name, position) VALUES (:name, :position) "
                    + "ON CONFLICT (name) DO NOTHING").bind("name", name)
                    .bind("position", FeedPosition.START.toString()).execute();
            String saved = handle.createQuery("SELECT position FROM feed_subscriptions WHERE name = :name")
                    .bind("name", name).mapTo(String.class).one();
            Feed feed = database.feed();
            FeedPosition position = FeedPosition.parse(saved);
            feed.check(position);
            return new FeedSubscription(feed, handle, name, position);
        } catch (RuntimeException e) {
            unlock(handle, name);
            throw e;
        }
    }

    /**
     * The subscription's name.
     *
     * @return the name it was opened with
     */
    public String name() {
        return name;
    }

    /** The subscription is held by another reader, in this process or another. */
    public static final class Held extends StoreException {
        Held(String name) {
            super("subscription '" + name + "' is held by another reader");
        }
    }

    /** The connection that holds the subscription, for reads of the consumer's own state beside it. */
    Handle handle() {
        return handle;
    }

    /**
     * Where the subscription is: after every entry processed.
     *
     * @return the position after the last entry processed
     */
    public FeedPosition position() {
        return position;
    }

    /**
     * Reads up to {@code limit} entries after the position and, in one transaction, hands them to {@code effects}
     * and saves the position after them. When {@code effects} fails, neither its writes nor the position are kept.
     *
     * @param limit   the most entries to process
     * @param effects what the consumer does with them, in the same transaction
     * @return the entries processed: 0 when nothing final is new
     */
    public int process(int limit, Effects effects) {
        Feed.Batch batch = feed.read(position, limit);
        if (batch.entries().isEmpty()) {
            return 0;
        }
        handle.useTransaction(tx -> {
            effects.apply(tx, batch.entries());
            save(tx, batch.next());
        });
        position = batch.next();
        return batch.entries().size();
    }

    /**
     * Saves {@code to} as the position, for a consumer whose effects are committed elsewhere (at least once: an
     * effect done before a crash that came before this save is done again).
     *
     * @param to the new position, at or after the current one
     * @throws IllegalArgumentException when {@code to} is before the position
     */
    public void advance(FeedPosition to) {
        if (to.compareTo(position) < 0) {
            throw new IllegalArgumentException("position " + to + " is before the subscription's " + position);
        }
        handle.useTransaction(tx -> save(tx, to));
        position = to;
    }

    /**
     * Goes back to the feed's beginning, in one transaction with {@code effects} (which undo what the entries did):
     * to fold everything again.
     *
     * @param effects what undoes the entries' effects, in the same transaction
     */
    public void restart(Consumer<Handle> effects) {
        handle.useTransaction(tx -> {
            effects.accept(tx);
            save(tx, FeedPosition.START);
        });
        position = FeedPosition.START;
    }

    private void save(Handle tx, FeedPosition to) {
        tx.createUpdate("UPDATE feed_subscriptions SET position = :position, updated_at = now() WHERE name = :name")
                .bind("position", to.toString()).bind("name", name).execute();
    }

    /** Lets the name go, for another reader to take. */
    @Override
    public void close() {
        unlock(handle, name);
    }

    /** The lock is the session's: a pooled connection keeps it unless it is let go before the pool takes it back. */
    private static void unlock(Handle handle, String name) {
        try (handle) {
            handle.createQuery("SELECT pg_advisory_unlock" + KEYS).bind("name", name).mapTo(Boolean.class).one();
        } catch (RuntimeException e) {
            // The connection is gone, and its session's lock with it.
        }
    }
}
