package com.sevenmind.eventstore.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which users' events were just committed, from whichever process appended them. Every append notifies one channel
 * once it has committed, with the ids of the users it stored events of: at most once per user and batch, never for
 * a rollback. A feed listens on one connection of its own (a pooled one would be handed to other work between
 * statements) and calls each user's subscribers on its thread.
 *
 * <p>The notification is sent after the commit, not in its transaction: PostgreSQL holds a notifying transaction's
 * lock on its notification queue until the transaction ends, through its commit's flush to disk, so appends that
 * notified in their own transactions committed one after the other and never shared a flush. Sent in a transaction
 * of its own with {@code synchronous_commit} off, a notification holds that lock for microseconds. An appender that
 * dies between the two leaves the users' followers behind until the users' next append or the feed's next
 * reconnection (see docs/live-feed.md).
 *
 * <p>Notifications are not durable: what is committed while the connection is down is never delivered. So after a
 * lost connection the feed reconnects, listens again, and only then calls every subscriber, which must re-read:
 * anything committed before that listen is in the re-read, anything after it is notified.
 */
public final class LiveFeed implements AutoCloseable {

    /** How the feed's connection names itself in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "eventstore-live-feed";

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    static final String CHANNEL = "eventstore_appended";
    /**
     * User ids per notification, comma-separated: 100 × 37 bytes, well within PostgreSQL's 8,000-byte payload limit.
     * Chunks rather than one notification per user: a batch of the reference workload touches up to 100 users, and
     * each notification is a row in the server's queue.
     */
    private static final int USERS_PER_NOTIFICATION = 100;
    /** How long one wait for notifications lasts: also how long a close may take. */
    private static final int POLL_MILLIS = 250;
    /** After this long without a notification the connection is tried with a query, so a dead one is noticed. */
    private static final long KEEPALIVE_MILLIS = 10_000;
    /** A query on the feed's connection that gets no answer within this fails: the server or network is gone. */
    private static final String SOCKET_TIMEOUT_SECONDS = "30";
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final Database database;
    private final Map<UUID, List<Runnable>> subscribers = new ConcurrentHashMap<>();
    /** Called on every notification, whichever users it names: readers of the whole {@link Feed}. */
    private final List<Runnable> everyUser = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final Runnable reconnects;
    private volatile boolean closed;

    private LiveFeed(Database database, Connection first) {
        this.database = database;
        this.reconnects = database.meters().counter("eventstore.live.feed.reconnects",
                "Times the live feed listened again after losing its connection");
        this.thread = new Thread(() -> run(first), "eventstore-live-feed");
        // A feed must never keep a process alive that is otherwise done.
        thread.setDaemon(true);
        thread.start();
    }

    /** Listens on a connection of its own to {@code database}; fails at once when it cannot connect. */
    static LiveFeed start(Database database) {
        try {
            return new LiveFeed(database, listen(database));
        } catch (SQLException e) {
            throw new StoreException("cannot listen for new events at " + database.description() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Notifies the channel that events of {@code users} were stored by a transaction of {@code h} that has just
     * committed: in a transaction of its own with {@code synchronous_commit} off (see the class's description), or,
     * when {@code h} is in a transaction of its caller's that held the append, in that one. A failure to notify is
     * logged, not thrown: the events are stored, and what is lost is a notification, as in a crash. When the database
     * went away, every feed re-reads once it listens again, so that loss is only logged at debug; another failure is
     * one warning, naming no user (the statement, which would, is left out).
     */
    static void publishCommitted(Handle h, Collection<UUID> users, boolean inCallersTransaction) {
        try {
            send(h, inCallersTransaction ? NOTIFY : NOTIFY_ASYNC_COMMIT, users);
        } catch (RuntimeException e) {
            if (Database.connectionLost(e)) {
                LOG.debug("live feed: the append committed, and the database went away before its {} users were "
                        + "notified: feeds re-read when they listen again", users.size());
            } else {
                LOG.warn("live feed: the append committed, but notifying its {} users failed: {}", users.size(),
                        Database.rootMessage(e));
            }
        }
    }

    /** Runs a query of {@link #NOTIFY}'s for {@code users}; nothing for none. */
    private static void send(Handle h, String query, Collection<UUID> users) {
        if (users.isEmpty()) {
            return;
        }
        h.createQuery(query)
                .bind("channel", CHANNEL)
                .bindArray("payloads", String.class, payloads(users))
                .mapTo(Long.class)
                .one();
    }

    /** Notifies each of {@code :payloads} on {@code :channel} (bound to {@link #CHANNEL}); its value: how many. */
    private static final String NOTIFY = "SELECT count(pg_notify(:channel, p)) FROM unnest(:payloads) AS p";
    /**
     * As {@link #NOTIFY}, as a statement of its own whose commit does not wait for its flush to disk: nothing is
     * stored that a crash could lose, and the notification queue's lock is held for no flush.
     */
    private static final String NOTIFY_ASYNC_COMMIT = NOTIFY.replace(" FROM ",
            ", set_config('synchronous_commit', 'off', true) FROM ");

    /** The notifications' payloads for {@code users}: their ids, comma-separated, up to a hundred in each. */
    static List<String> payloads(Collection<UUID> users) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        int inPayload = 0;
        for (UUID user : new TreeSet<>(users)) {
            if (inPayload == USERS_PER_NOTIFICATION) {
                payloads.add(payload.toString());
                payload.setLength(0);
                inPayload = 0;
            }
            payload.append(inPayload++ == 0 ? "" : ",").append(user);
        }
        payloads.add(payload.toString());
        return payloads;
    }

    /** A registration, ended by {@link #close()}. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code onChange} after each commit that stored events of {@code user}, and after every reconnection
     * (when anything may have been missed). It runs on the feed's thread: it must return quickly, for instance by
     * waking a thread of its own that re-reads.
     *
     * @param user the user
     * @param onChange run after each commit that stored events of the user
     * @return the subscription, to close when done
     */
    public Subscription subscribe(UUID user, Runnable onChange) {
        subscribers.compute(user, (u, list) -> {
            List<Runnable> those = list == null ? new CopyOnWriteArrayList<>() : list;
            those.add(onChange);
            return those;
        });
        return () -> subscribers.computeIfPresent(user, (u, list) -> {
            list.remove(onChange);
            return list.isEmpty() ? null : list;
        });
    }

    /**
     * Calls {@code onAppend} after each commit that stored events, of any user, and after every reconnection: a wake-up
     * for a reader of the {@link Feed}, which carries nothing the reader depends on. As {@link #subscribe}, it runs on
     * the feed's thread and must return quickly.
     *
     * @param onAppend the wake-up
     * @return what ends the subscription
     */
    public Subscription subscribeAll(Runnable onAppend) {
        everyUser.add(onAppend);
        return () -> everyUser.remove(onAppend);
    }

    /** Stops listening and closes the connection; takes at most a poll's time. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Connection listen(Database database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        properties.setProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = database.unpooledConnection(properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private void run(Connection first) {
        Connection connection = first;
        long backoff = FIRST_BACKOFF_MILLIS;
        while (!closed) {
            if (connection == null) {
                try {
                    connection = listen(database);
                    LOG.warn("live feed: listening again at {}; every subscriber re-reads", database.description());
                    backoff = FIRST_BACKOFF_MILLIS;
                    reconnects.run();
                    everyone();
                } catch (SQLException e) {
                    LOG.warn("live feed: cannot reconnect to {}: {}; trying again in {} ms", database.description(),
                            e.getMessage(), backoff);
                    if (!pause(backoff)) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                    continue;
                }
            }
            try {
                receive(connection);
            } catch (SQLException e) {
                if (!closed) {
                    LOG.warn("live feed: lost the connection to {}: {}; reconnecting", database.description(),
                            e.getMessage());
                }
            }
            closeQuietly(connection);
            connection = null;
        }
    }

    /** Hands notifications to subscribers until the feed is closed or the connection fails. */
    private void receive(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long quietSince = System.nanoTime();
        while (!closed) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    dispatch(notification.getParameter());
                }
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > KEEPALIVE_MILLIS * 1_000_000) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT 1");
                }
                quietSince = System.nanoTime();
            }
        }
    }

    private void dispatch(String payload) {
        everyUser.forEach(LiveFeed::call);
        for (String id : payload.split(",")) {
            UUID user;
            try {
                user = UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                LOG.warn("live feed: ignored a notification on {} that is not a list of user ids: '{}'", CHANNEL,
                        payload);
                return;
            }
            List<Runnable> those = subscribers.get(user);
            if (those != null) {
                those.forEach(LiveFeed::call);
            }
        }
    }

    private void everyone() {
        everyUser.forEach(LiveFeed::call);
        subscribers.values().forEach(those -> those.forEach(LiveFeed::call));
    }

    private static void call(Runnable subscriber) {
        try {
            subscriber.run();
        } catch (RuntimeException e) {
            LOG.warn("live feed: a subscriber failed", e);
        }
    }

    /** Sleeps between reconnection attempts; false when the feed was closed meanwhile. */
    private boolean pause(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (!closed && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                return false;
            }
        }
        return !closed;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("live feed: closing a failed connection: {}", e.getMessage());
        }
    }
}
