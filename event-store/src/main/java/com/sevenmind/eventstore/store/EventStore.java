package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.PayloadSelection;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.result.ResultIterable;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.statement.Update;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Appends events to the one {@code events} table and reads user streams back in event-time order.
 *
 * <p>Over 300 lines on purpose: the append's fast and staging paths and the stream read share one transaction
 * discipline (the user lock, the COPY, the conflict rules), which reads best in one place.
 */
public final class EventStore {

    /** The staging path's temporary table, and its move of a batch into the events table. */
    private static final String STAGING = Statements.sql("append_staging_table");
    private static final String APPEND = Statements.sql("append_from_staging");
    private static final String FORGET_TOMBSTONE = Statements.sql("forget_tombstone");

    /** The users' locks, before any id is drawn; its value: the forgotten ones among them, as a uuid[]. */
    private static final String LOCK = Statements.sql("append_lock_users");
    /**
     * Batches up to this many events (pushes sharing a commit) are appended by {@link #APPEND_VALUES}, in one round
     * trip; larger ones (imports) by COPY, faster a row, in a transaction of some round trips. On Citus such a batch
     * takes the transaction with {@link #INSERT_VALUES} instead: an INSERT … SELECT through the coordinator locks
     * the shards it writes until it commits, and a COPY takes a connection to each shard it writes.
     */
    static final int ONE_STATEMENT_MAX = 64;
    private static final String APPEND_VALUES = Statements.sql("append_values");
    private static final String INSERT_VALUES = Statements.sql("append_insert");
    /**
     * A row of {@link #APPEND_VALUES} and {@link #INSERT_VALUES}: the values of {@link CopyText#EVENT_COLUMNS}, in
     * their order.
     */
    private static final String VALUES_ROW = "(CAST(? AS uuid), ?, ?, CAST(? AS integer), CAST(? AS timestamptz), "
            + "CAST(? AS jsonb), CAST(? AS timestamptz), CAST(? AS jsonb))";
    /** The fast path's COPY, after the users' locks. */
    private static final String COPY_DIRECT = Statements.sql("append_copy").formatted(CopyText.EVENT_COLUMNS);

    /**
     * What sends the fast path back to the staging path: a key stored already, or a lock cycle with another one. A
     * Citus coordinator reports a worker's failure of a COPY, the duplicate key among them, as an internal error
     * (XX000): the staging path's INSERT names the real one, if there is one.
     */
    private static final Set<String> TAKE_STAGING_PATH = Set.of("23505", "40P01", "XX000");

    private static final String STORED = """
            SELECT e.user_uuid, e.unique_id, e.event_type, e.schema_version, e."timestamp", e.payload::text AS payload
            FROM events e JOIN unnest(:users, :ids) AS k(user_uuid, unique_id)
              ON e.user_uuid = k.user_uuid::uuid AND e.unique_id = k.unique_id
            """;

    private static final String STREAM = Statements.sql("stream");
    /** A binary timestamptz: big-endian microseconds since {@link #POSTGRES_EPOCH}. */
    private static final VarHandle LONG_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    /**
     * What a stream read sets for its transaction; a benchmark of the raw limit runs with the same. For a user who
     * is much of the table the planner rightly prefers a scan and a sort to following the index row by row through
     * a heap in arrival order; this gives that sort the memory not to spill to disk. A {@code SET LOCAL}, which Citus
     * sends on to the workers (where a user's rows are sorted), as it does not a {@code set_config}.
     */
    static final String STREAM_SETTINGS = "SET LOCAL work_mem = '64MB'";

    /** Rows fetched per round trip of the server-side cursor: enough to amortize, small enough to stay flat. */
    private static final int FETCH_SIZE = 2_000;

    private final Jdbi jdbi;
    private final EventCodec codec;
    private final String description;
    /** Whether the store is distributed by user (Citus); null until the first append asks. */
    private volatile Boolean distributed;

    /**
     * The events table of {@code jdbi}'s database (see {@code Database.eventStore}).
     *
     * @param jdbi        the database, its schema on the search path
     * @param codec       the codec of the registered types
     * @param description the database, for messages: its URL without a password
     */
    public EventStore(Jdbi jdbi, EventCodec codec, String description) {
        this.jdbi = jdbi;
        this.codec = codec;
        this.description = description;
    }

    /**
     * Appends one event with the {@link AppendOptions#DEFAULTS}: a convenience for the many callers (hosts, tests)
     * that append as the store does by default.
     *
     * @param event the event
     * @return what became of it
     */
    public AppendResult append(Event event) {
        return append(List.of(event), AppendOptions.DEFAULTS);
    }

    /**
     * Appends a batch with the {@link AppendOptions#DEFAULTS}: a convenience, as {@link #append(Event)}.
     *
     * @param events the events
     * @return how many were stored, duplicates, conflicts and of forgotten users
     */
    public AppendResult append(List<? extends Event> events) {
        return append(events, AppendOptions.DEFAULTS);
    }

    /**
     * Appends a batch in one transaction. An event whose (user, unique_id) is already stored, or repeats within the
     * batch, is not stored again: with the same content it is a duplicate (a re-delivery); with different content it
     * is a conflict; the options' listener is told of each by its index in {@code events}, and of events of forgotten
     * users. Of two events with one key in a batch, the first is told nothing, though which one's content is stored
     * is not defined: append them in separate batches when that matters. Safe to call from several threads or
     * processes with overlapping batches. Once it has committed, every {@link LiveFeed} hears of the users it stored
     * events of, by a notification sent after the commit. An event PostgreSQL refuses fails the batch with {@link StoreException}, unless the options say
     * {@link AppendOptions#withRefusals whom to tell instead}.
     *
     * @param events the events
     * @param options the schema version, pipeline metadata, listener and what to do with refused events
     * @return how many were stored, duplicates, conflicts and of forgotten users
     */
    public AppendResult append(List<? extends Event> events, AppendOptions options) {
        return append(events, options, null);
    }

    /**
     * As {@link #append(List, AppendOptions)}; the users stored are handed to {@code publish} once committed, for it
     * to notify the live feeds, instead of being notified here. Null: notified here, before this returns.
     */
    AppendResult append(List<? extends Event> events, AppendOptions options, Consumer<Set<UUID>> publish) {
        options.checkSize(events.size());
        try {
            return appendOnce(events, options, publish);
        } catch (StoreException e) {
            if (options.onRefused() == null || refusal(e) == null) {
                throw e;
            }
        }
        Map<Integer, String> refused = refusals(events, options);
        refused.forEach((i, reason) -> options.onRefused().accept(reason, i));
        List<Integer> kept = IntStream.range(0, events.size()).filter(i -> !refused.containsKey(i)).boxed().toList();
        return appendOnce(kept.stream().map(events::get).toList(), options.keeping(kept), publish);
    }

    /** The append of {@link #append(List, AppendOptions)}, a refused event failing it. */
    private AppendResult appendOnce(List<? extends Event> events, AppendOptions options,
                                    Consumer<Set<UUID>> publish) {
        if (events.isEmpty()) {
            return AppendResult.NONE;
        }
        int n = events.size();
        // In key order, as the staging path inserts: concurrent appenders take the unique index's locks in one
        // order and wait for each other instead of deadlocking.
        EventKey[] keys = keys(events);
        int[] order = keyOrder(keys);
        boolean batchDistinct = IntStream.range(1, n).noneMatch(i -> keys[order[i]].equals(keys[order[i - 1]]));
        Set<UUID> notified = new HashSet<>();
        return inDatabase(h -> {
            boolean callersTransaction = h.isInTransaction();
            AppendResult result;
            if (!callersTransaction && batchDistinct && n <= ONE_STATEMENT_MAX && !distributed(h)) {
                result = appendInOneStatement(h, events, options, order, notified);
            } else {
                result = h.inTransaction(tx -> appendIn(tx, events, options, order, batchDistinct, notified));
            }
            if (publish == null || callersTransaction) {
                LiveFeed.publishCommitted(h, notified, callersTransaction);
            } else if (!notified.isEmpty()) {
                publish.accept(notified);
            }
            return result;
        });
    }

    /** Whether the store is distributed by user (Citus): asked of the database once. */
    boolean distributed(Handle h) {
        if (distributed == null) {
            distributed = Database.distributed(h);
        }
        return distributed;
    }

    /**
     * Tells every {@link LiveFeed} of {@code users}, whose events a commit stored: what a publisher given to
     * {@link #append(List, AppendOptions, Consumer)} does.
     */
    void publish(Set<UUID> users) {
        inDatabase(h -> {
            LiveFeed.publishCommitted(h, users, false);
            return null;
        });
    }

    private static EventKey[] keys(List<? extends Event> events) {
        return events.stream().map(EventKey::of).toArray(EventKey[]::new);
    }

    /** The indexes of {@code keys}, sorted by key. */
    private static int[] keyOrder(EventKey[] keys) {
        return IntStream.range(0, keys.length).boxed().sorted(Comparator.comparing(i -> keys[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * A small batch of distinct keys, outside a caller's transaction: one statement that commits on its own, one
     * round trip ({@code append_values.sql}). Events it did not store (duplicates, conflicts, forgotten users') are
     * told apart by the staging path afterwards, in a transaction of their own.
     */
    private AppendResult appendInOneStatement(Handle h, List<? extends Event> events, AppendOptions options,
                                              int[] order, Set<UUID> notified) {
        int n = events.size();
        Query insert = h.createQuery(withRows(APPEND_VALUES, n));
        int p = bindRows(insert, events, options, order);
        Set<EventKey> inserted = new HashSet<>(locked(insert, p, userLocks(events), users(events))
                .map((rs, ctx) -> new EventKey(rs.getObject("user_uuid", UUID.class), rs.getString("unique_id")))
                .list());
        inserted.forEach(key -> notified.add(key.userId()));
        if (inserted.size() == n) {
            return new AppendResult(n, 0, 0);
        }
        List<Integer> rest = IntStream.range(0, n).filter(i -> !inserted.contains(EventKey.of(events.get(i))))
                .boxed().toList();
        List<? extends Event> restEvents = rest.stream().map(events::get).toList();
        AppendResult told = h.inTransaction(tx -> appendIn(tx, restEvents, options.keeping(rest),
                keyOrder(keys(restEvents)), true, notified));
        return new AppendResult(inserted.size() + told.stored(), told.duplicates(), told.conflicts(),
                told.forgotten());
    }

    /** {@code sql} with a row of {@link #VALUES_ROW} for each of {@code n} events. */
    private static String withRows(String sql, int n) {
        return sql.formatted(CopyText.EVENT_COLUMNS, String.join(", ", Collections.nCopies(n, VALUES_ROW)));
    }

    /** Binds the {@link #VALUES_ROW}s of {@code events}, in {@code order}; returns the next parameter's index. */
    private int bindRows(SqlStatement<?> statement, List<? extends Event> events, AppendOptions options,
                         int[] order) {
        int p = 0;
        for (int i : order) {
            Event e = events.get(i);
            PipelineMetadata metadata = options.metadata(i);
            statement.bind(p++, e.userId())
                    .bind(p++, e.uniqueId())
                    .bind(p++, e.eventType())
                    .bind(p++, codec.storedVersion(e, options.schemaVersion()))
                    .bind(p++, e.timestamp().toString())
                    .bind(p++, codec.payload(e, options.schemaVersion()))
                    .bind(p++, metadata.receivedAt() == null ? null : metadata.receivedAt().toString())
                    .bind(p++, metadata.json());
        }
        return p;
    }

    /**
     * The append's transaction on {@code tx}: the fast path, else the staging path. Adds to {@code notified} the
     * users it stored events of, whom the live feed hears of once it has committed.
     */
    private AppendResult appendIn(Handle tx, List<? extends Event> events, AppendOptions options, int[] order,
                                  boolean batchDistinct, Set<UUID> notified) {
        int n = events.size();
        boolean insertDirect = n <= ONE_STATEMENT_MAX && distributed(tx);
        // The COPY text, when a COPY is sure to need it: a small batch on Citus needs it only to take the staging path.
        CharSequence rows = insertDirect ? null : copyRows(events, options, order);
        long[] userLocks = userLocks(events);
        Set<UUID> users = users(events);
        Consumer<Handle> direct = insertDirect
                ? h -> {
                    Update insert = h.createUpdate(withRows(INSERT_VALUES, n));
                    bindRows(insert, events, options, order);
                    insert.execute();
                }
                : h -> copy(h, COPY_DIRECT, rows);
        if (batchDistinct && writtenWhole(tx, direct, userLocks, users)) {
            notified.addAll(users);
            return new AppendResult(n, 0, 0);
        }
        Set<UUID> forgotten = forgottenAmong(tx.createQuery(LOCK), userLocks, users).one();
        tx.execute(STAGING);
        copy(tx, "COPY append_staging FROM STDIN", rows != null ? rows : copyRows(events, options, order));
        Set<EventKey> inserted = new HashSet<>(tx.createQuery(APPEND)
                .bindArray("forgotten", String.class, forgotten.stream().map(UUID::toString).toList())
                .map((rs, ctx) -> new EventKey(rs.getObject("user_uuid", UUID.class), rs.getString("unique_id")))
                .list());
        // Only the users of rows stored: a batch of nothing but duplicates notifies no one.
        inserted.forEach(key -> notified.add(key.userId()));
        if (inserted.size() == n) {
            return new AppendResult(n, 0, 0);
        }
        AppendListener listener = options.listener();
        long dropped = 0;
        List<Integer> notInserted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            if (forgotten.contains(e.userId())) {
                dropped++;
                listener.forgotten(i);
            } else if (!inserted.remove(EventKey.of(e))) {
                notInserted.add(i);
            }
        }
        Map<EventKey, RecordedEvent> stored = stored(tx, events, notInserted);
        long conflicts = 0;
        for (int i : notInserted) {
            Event e = events.get(i);
            RecordedEvent original = stored.get(EventKey.of(e));
            if (original == null || !codec.sameEvent(e, original.event(), original.schemaVersion())) {
                conflicts++;
                listener.conflict(i);
            } else {
                listener.duplicate(i);
            }
        }
        return new AppendResult(n - notInserted.size() - dropped, notInserted.size() - conflicts, conflicts,
                dropped);
    }

    /** The users' advisory locks of {@code events}, in the order they are taken. */
    private static long[] userLocks(List<? extends Event> events) {
        return events.stream().mapToLong(e -> userLock(e.userId())).sorted().distinct().toArray();
    }

    private static Set<UUID> users(List<? extends Event> events) {
        return events.stream().map(Event::userId).collect(Collectors.toSet());
    }

    /** The COPY text of {@code events}, in {@code order}. */
    private CharSequence copyRows(List<? extends Event> events, AppendOptions options, int[] order) {
        StringBuilder rows = new StringBuilder(events.size() * 320);
        for (int i : order) {
            appendRow(rows, events, options, i);
        }
        return rows;
    }

    /** Appends the COPY row of {@code events.get(i)}, with its metadata if there is any. */
    private void appendRow(StringBuilder rows, List<? extends Event> events, AppendOptions options, int i) {
        Event e = events.get(i);
        CopyText.appendEvent(rows, e, codec.storedVersion(e, options.schemaVersion()),
                codec.payload(e, options.schemaVersion()), options.metadata(i));
    }

    /**
     * The events of {@code events} PostgreSQL refuses, by index, each with the database's reason; stores nothing.
     * Halves that fail are halved again, each tried under a savepoint of one transaction that is rolled back, so a
     * few culprits in a batch of n cost some log n tries each.
     *
     * @param events the events
     * @param options the schema version and pipeline metadata they would be appended with; the rest is not read
     * @return the database's reason for each refused event, by index
     */
    public SortedMap<Integer, String> refusals(List<? extends Event> events, AppendOptions options) {
        options.checkSize(events.size());
        return inDatabase(h -> h.inTransaction(tx -> {
            tx.execute(STAGING);
            SortedMap<Integer, String> refused = new TreeMap<>();
            probe(tx, events, options, 0, events.size(), refused);
            tx.rollback();
            return refused;
        }));
    }

    private void probe(Handle tx, List<? extends Event> events, AppendOptions options, int from, int to,
                       Map<Integer, String> refused) {
        if (from == to) {
            return;
        }
        StringBuilder rows = new StringBuilder();
        for (int i = from; i < to; i++) {
            appendRow(rows, events, options, i);
        }
        tx.execute("SAVEPOINT append_probe");
        String reason = null;
        try {
            copy(tx, "COPY append_staging FROM STDIN", rows);
            // Forgotten users need not be left out here: the probe is rolled back whatever it inserts.
            tx.createQuery(APPEND).bindArray("forgotten", String.class, List.of()).mapTo(String.class).list();
        } catch (UnableToExecuteStatementException e) {
            reason = refusal(e);
            if (reason == null) {
                throw e;
            }
        }
        tx.execute("ROLLBACK TO SAVEPOINT append_probe");
        if (reason != null && to - from == 1) {
            refused.put(from, reason);
        } else if (reason != null) {
            int middle = (from + to) >>> 1;
            probe(tx, events, options, from, middle, refused);
            probe(tx, events, options, middle, to, refused);
        }
    }

    /**
     * The database's one-line reason if {@code failure} is PostgreSQL refusing an event for what it holds: a data
     * exception (SQLSTATE class 22, e.g. a time out of range), an integrity rule other than the unique key (23: a
     * check, a null) or a program limit (54, e.g. a unique id too long to index); null for any other failure.
     *
     * @param failure what was thrown
     * @return the reason, one line; or null
     */
    public static String refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                boolean eventsFault = state.startsWith("22") || state.startsWith("54")
                        || state.startsWith("23") && !state.equals("23505");
                if (!eventsFault) {
                    return null;
                }
                ServerErrorMessage server = sql instanceof PSQLException p ? p.getServerErrorMessage() : null;
                String message = server != null && server.getMessage() != null ? server.getMessage() : sql.getMessage();
                return message.lines().findFirst().orElse(state);
            }
        }
        return null;
    }

    /**
     * The fast path, for a batch of events new to the store (the common case): written straight into the table. If
     * any key is stored already (a re-delivery, or a concurrent appender was first), the write stops at it on the
     * unique key, is rolled back to the savepoint, and the batch takes the staging path, which tells duplicates from
     * conflicts; so does a batch with a forgotten user, which drops that user's events. The users' locks, the check
     * for forgotten ones and the notification of them go in one statement under the savepoint. {@code direct} writes
     * the rows: a COPY, or a multi-row INSERT for a small batch on Citus.
     */
    private static boolean writtenWhole(Handle h, Consumer<Handle> direct, long[] userLocks, Set<UUID> users) {
        h.execute("SAVEPOINT append_direct");
        try {
            boolean anyForgotten = !forgottenAmong(h.createQuery(LOCK), userLocks, users).one().isEmpty();
            if (anyForgotten) {
                h.execute("ROLLBACK TO SAVEPOINT append_direct");
                return false;
            }
            direct.accept(h);
            // No release: the commit ends the savepoint, and a round trip less is some of a batch's time.
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (!(e.getCause() instanceof SQLException sql) || !TAKE_STAGING_PATH.contains(sql.getSQLState())) {
                throw e;
            }
            h.execute("ROLLBACK TO SAVEPOINT append_direct");
            return false;
        }
    }

    /**
     * {@code query}, whose parameters from {@code at} are those of {@code lock_users_for_append}, bound for
     * {@code users}.
     */
    private static Query locked(Query query, int at, long[] userLocks, Set<UUID> users) {
        return query.bindArray(at, long.class, userLocks)
                .bindArray(at + 1, String.class, users.stream().map(UUID::toString).toList());
    }

    /** {@link #LOCK}, bound for {@code users}: the forgotten ones among them. */
    private static ResultIterable<Set<UUID>> forgottenAmong(Query lock, long[] userLocks, Set<UUID> users) {
        return locked(lock, 0, userLocks, users).map((rs, ctx) -> Set.of((UUID[]) rs.getArray(1).getArray()));
    }

    private static void copy(Handle h, String sql, CharSequence rows) {
        try {
            h.getConnection().unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(sql, new StringReader(rows.toString()));
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    /** The stored events with the keys of {@code events} at {@code indexes}; an unreadable one is left out. */
    private Map<EventKey, RecordedEvent> stored(Handle h, List<? extends Event> events, List<Integer> indexes) {
        Map<EventKey, RecordedEvent> stored = new HashMap<>();
        h.createQuery(STORED)
                .bindArray("users", String.class, indexes.stream().map(i -> events.get(i).userId().toString()).toList())
                .bindArray("ids", String.class, indexes.stream().map(i -> events.get(i).uniqueId()).toList())
                .map((rs, ctx) -> {
                    UUID user = rs.getObject("user_uuid", UUID.class);
                    String uniqueId = rs.getString("unique_id");
                    String type = rs.getString("event_type");
                    try {
                        int version = rs.getInt("schema_version");
                        stored.put(new EventKey(user, uniqueId), new RecordedEvent(0, version, Instant.EPOCH,
                                codec.fromStored(type, version, user, uniqueId,
                                        rs.getObject("timestamp", OffsetDateTime.class).toInstant(),
                                        rs.getString("payload"))));
                    } catch (InvalidEventException e) {
                        // Unreadable as stored: whatever arrives now is not the same event.
                    }
                    return null;
                })
                .forEach(ignored -> { });
        return stored;
    }

    /**
     * As {@link #stream(UUID, Instant, boolean, Consumer)}, with every event stored so far, payloads decoded.
     *
     * @param userId the user
     * @param sink takes each event
     * @return how many events were read, of which types unknown, and where it ended
     */
    public StreamResult stream(UUID userId, Consumer<RecordedEvent> sink) {
        return stream(userId, null, true, sink);
    }

    /**
     * As {@link #stream(UUID, Instant, boolean, Consumer)}, payloads decoded.
     *
     * @param userId the user
     * @param asOf null for every event; else only those recorded at or before it
     * @param sink takes each event
     * @return how many events were read, of which types unknown, and where it ended
     */
    public StreamResult stream(UUID userId, Instant asOf, Consumer<RecordedEvent> sink) {
        return stream(userId, asOf, true, sink);
    }

    /**
     * Feeds the user's events to {@code sink} ordered by (timestamp, unique_id), as current-version events, through
     * a server-side cursor in one read-only snapshot: constant memory whatever the stream's length. Events of types
     * with no registered record are fed as {@link com.sevenmind.eventstore.api.GenericEvent}s, and counted by type.
     *
     * @param userId the user
     * @param sink takes each event
     * @param asOf     null for every event; else only those recorded at or before it ("what did we know then")
     * @param payloads whether to fetch and decode payloads; without, events carry only their metadata
     * @return how many events were read, of which types unknown, and where it ended
     */
    public StreamResult stream(UUID userId, Instant asOf, boolean payloads, Consumer<RecordedEvent> sink) {
        return stream(userId, asOf, payloads ? Set.of() : null, false, sink);
    }

    /**
     * As {@link #stream(UUID, Instant, boolean, Consumer)}, decoding only the payload fields named (as
     * {@link ProjectionPass#payloadFields()} gives them), with each event's receivedAt when {@code receivedAt}.
     *
     * @param userId the user
     * @param asOf null for every event; else only those recorded at or before it
     * @param fields the payload fields to decode, empty for all; null to fetch no payloads
     * @param receivedAt whether to read each event's receivedAt
     * @param sink takes each event
     * @return how many events were read, of which types unknown, and where it ended
     */
    public StreamResult stream(UUID userId, Instant asOf, Set<String> fields, boolean receivedAt,
                               Consumer<RecordedEvent> sink) {
        return inDatabase(h -> h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, tx -> {
            tx.execute(STREAM_SETTINGS);
            return streamIn(tx, userId, asOf, fields, receivedAt, null, sink);
        }));
    }

    /**
     * The read of {@link #stream(UUID, Instant, boolean, Consumer)} on a handle in a transaction that ran
     * {@link #STREAM_SETTINGS}, from just after {@code after} when not null, decoding the payload {@code fields}
     * named (empty: all; null: no payloads fetched).
     */
    StreamResult streamIn(Handle tx, UUID userId, Instant asOf, Set<String> fields, boolean receivedAt,
                          StreamPosition after, Consumer<RecordedEvent> sink) {
        boolean payloads = fields != null;
        long[] count = {0};
        Map<String, Long> unknown = new TreeMap<>();
        StreamPosition[] last = {after};
        // Each column only when asked for: a long read pays for every value it converts.
        int receivedAtColumn = payloads ? 8 : 7;
        // A few named fields: the server looks each up in the Content Piece types' payloads, sent as text columns
        // after the others, and sends only the other rows' payloads.
        PayloadSelection selection = payloads && !fields.isEmpty() ? codec.selection(fields) : null;
        int firstSelected = receivedAtColumn + (receivedAt ? 1 : 0);
        Query query = tx.createQuery(STREAM.formatted((payloads ? ", " + payloadColumn(selection) : "")
                                + (receivedAt ? ", received_at" : "") + selectedColumns(selection),
                        (asOf == null ? "" : " AND recorded_at <= :asOf")
                                + (after == null ? "" : " AND (\"timestamp\", unique_id) > (:afterTimestamp, :afterId)")))
                .bind("user", userId);
        if (asOf != null) {
            query.bind("asOf", OffsetDateTime.ofInstant(asOf, ZoneOffset.UTC));
        }
        if (after != null) {
            query.bind("afterTimestamp", OffsetDateTime.ofInstant(after.timestamp(), ZoneOffset.UTC))
                    .bind("afterId", after.uniqueId());
        }
        // Columns by position, as STREAM lists them: a lookup by name was a few percent of a long read.
        query.setFetchSize(FETCH_SIZE)
                .map((rs, ctx) -> {
                    count[0]++;
                    long id = rs.getLong(1);
                    String uniqueId = rs.getString(2);
                    String type = rs.getString(3);
                    Instant timestamp = instant(rs, 5);
                    StreamPosition position = new StreamPosition(timestamp, uniqueId, id, id, 0);
                    last[0] = position;
                    if (!codec.knows(type)) {
                        unknown.merge(type, 1L, Long::sum);
                    }
                    return recorded(rs, userId, position, type, fields,
                            receivedAt ? instant(rs, receivedAtColumn) : null, selection, firstSelected);
                })
                .forEach(event -> {
                    if (event != null) {
                        sink.accept(event);
                    }
                });
        return new StreamResult(count[0], unknown, last[0]);
    }

    /**
     * The event of a row of {@link #STREAM}'s columns, read by position (a lookup by name was a few percent of a
     * long read), at {@code position}, of {@code type} as stored; its type named as {@link EventCodec#typeName}
     * says.
     *
     * @param fields the payload fields to decode when the row has the payload, 7th (empty: all); null when not
     * @param selection when not null, a row whose payload is NULL is read from its selected fields, the columns
     *                  from {@code firstSelected} on
     */
    RecordedEvent recorded(ResultSet rs, UUID userId, StreamPosition position, String type, Set<String> fields,
                           Instant receivedAt, PayloadSelection selection, int firstSelected) throws SQLException {
        int version = rs.getInt(4);
        try {
            Event event = null;
            if (fields != null) {
                byte[] payload = rs.getBytes(7);
                event = payload == null && selection != null
                        ? selection.event(type, userId, position.uniqueId(), position.timestamp(),
                                selected(rs, firstSelected, selection.paths().size()))
                        : codec.fromStored(type, version, userId, position.uniqueId(), position.timestamp(), payload,
                                fields);
            }
            return new RecordedEvent(position.id(), version, instant(rs, 6), userId, position.uniqueId(),
                    codec.typeName(type),
                    position.timestamp(), event, receivedAt);
        } catch (InvalidEventException e) {
            throw new StoreException("stored event " + position.uniqueId() + " of user " + userId
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The payload column: NULL for the rows {@code selection} reads from their fields. */
    private static String payloadColumn(PayloadSelection selection) {
        if (selection == null) {
            return "payload::text AS payload";
        }
        StringJoiner selected = new StringJoiner(", ", "(", ")");
        selection.versions().forEach((type, version) -> selected.add("(" + literal(type) + ", " + version + ")"));
        return "CASE WHEN (event_type, schema_version) IN " + selected + " THEN NULL ELSE payload::text END AS payload";
    }

    /** A text column for each path {@code selection} names, e.g. {@code payload #>> '{content,kind}'}. */
    private static String selectedColumns(PayloadSelection selection) {
        StringBuilder columns = new StringBuilder();
        if (selection != null) {
            selection.paths().forEach(path -> columns.append(", payload #>> ")
                    .append(literal("{" + path.replace('.', ',') + "}")));
        }
        return columns.toString();
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String[] selected(ResultSet rs, int first, int n) throws SQLException {
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = rs.getString(first + i);
        }
        return values;
    }

    /**
     * A timestamptz column; null for NULL. The pool has the driver receive timestamps in binary (a
     * prepareThreshold of -1), and for a binary value the driver's {@code getBytes} gives the server's eight bytes,
     * microseconds since 2000-01-01 UTC: read as they are, they spare each value an {@code OffsetDateTime} and the
     * rules of its offset, which the driver builds anew every time (7% of a long read's CPU samples). Any other form
     * (text, ±infinity) goes through the driver's own conversion.
     */
    static Instant instant(ResultSet rs, int column) throws SQLException {
        byte[] bytes = rs.getBytes(column);
        if (bytes == null) {
            return null;
        }
        if (bytes.length == Long.BYTES) {
            long micros = (long) LONG_BIG_ENDIAN.get(bytes, 0);
            if (micros != Long.MAX_VALUE && micros != Long.MIN_VALUE) {
                return POSTGRES_EPOCH.plus(micros, ChronoUnit.MICROS);
            }
        }
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /**
     * The users' events with their pipeline metadata, for export and paged reads.
     *
     * @return the reader of stored events
     */
    public StoredEvents storedEvents() {
        return new StoredEvents(this);
    }

        /**
         * The users with the most events, most first (ties by user id).
         *
         * @param limit how many at most
         * @return the users and their event counts
         */
    public List<UserEventCount> topUsers(int limit) {
        return inDatabase(h -> h.createQuery("""
                        SELECT user_uuid, count(*) AS n FROM events
                        GROUP BY user_uuid ORDER BY n DESC, user_uuid LIMIT :limit
                        """)
                .bind("limit", limit)
                .map((rs, ctx) -> new UserEventCount(rs.getObject("user_uuid", UUID.class), rs.getLong("n")))
                .list());
    }

    /**
     * How many events the store holds.
     *
     * @return the number of events stored
     */
    public long count() {
        return inDatabase(h -> h.createQuery("SELECT count(*) FROM events").mapTo(Long.class).one());
    }

    /**
     * Whether the database answers.
     *
     * @return whether healthy
     */
    public boolean healthy() {
        try {
            return inDatabase(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one() == 1);
        } catch (StoreException e) {
            return false;
        }
    }

    /**
     * Deletes every event of the user, their snapshots and every quarantined input that names them in any form (see
     * {@link Mentions}), and leaves an audit row with the time, the counts and a keyed hash of the user, never the
     * user: for privacy requests. The hash is the tombstone that makes later appends drop the user's events.
     *
     * @param userId the user
     * @return what was deleted
     */
    public Forgotten forget(UUID userId) {
        return inDatabase(h -> h.inTransaction(tx -> {
            // After the user's appends and snapshot saves in flight: none of them outlives this.
            tx.execute("SELECT pg_advisory_xact_lock(?)", userLock(userId));
            int events = tx.createUpdate("DELETE FROM events WHERE user_uuid = :user").bind("user", userId).execute();
            tx.createUpdate("DELETE FROM snapshots WHERE user_uuid = :user").bind("user", userId).execute();
            long rejected = new Mentions(userId).deleteFromQuarantine(tx);
            tx.createUpdate(FORGET_TOMBSTONE)
                    .bind("e", events).bind("r", rejected).bind("user", userId).execute();
            return new Forgotten(events, rejected);
        }));
    }

    /**
     * The advisory lock of a user's stream: appenders hold it shared until they commit; a read that saves a snapshot
     * takes it exclusively while its view of the table is taken. Two users may share a key: then they only wait
     * for each other a little more.
     */
    static long userLock(UUID userId) {
        return userId.getMostSignificantBits() ^ userId.getLeastSignificantBits();
    }

    /** What {@link #forget(UUID)} deleted. */
    public record Forgotten(long eventsDeleted, long rejectedDeleted) {
    }

    <R> R inDatabase(HandleCallback<R, RuntimeException> work) {
        return Database.guarded(jdbi, description, work);
    }
}
