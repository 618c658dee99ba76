package com.sevenmind.eventstore.store;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.postgresql.PGConnection;

/**
 * One run of writers and a reader against a store, in the order a schedule gives, and the check of what the reader
 * was given against what was committed: every committed row once, no rolled-back row, the checkpoint never moving
 * back, and a user's rows in the order their transactions ran.
 *
 * <p>Every step runs on one thread, on the connection of its writer or of the reader, to its end before the next:
 * a transaction is held open simply by running other steps before its end, and a schedule (shrunk, or a fixed
 * regression case) replays exactly. Nothing waits on time.
 */
final class FeedSchedule {

    /** One transaction of a writer: COPY or INSERT … ON CONFLICT of {@code rows} rows, then commit or roll back. */
    record Txn(int writer, boolean copy, int rows, boolean commit) {
    }

    /** A step: the next transaction of a writer writes, or ends; or the reader reads a batch and may crash after. */
    sealed interface Step {
    }

    record Write(int txn) implements Step {
    }

    record End(int txn) implements Step {
    }

    record Read(int limit, boolean crash) implements Step {
    }

    /** A feed as the reader sees it: positions as text, rows as their dedup key. */
    interface Source {
        Page read(String after, int limit);

        /** Negative, zero or positive as position a is before, at or after b. */
        int compare(String a, String b);
    }

    record Page(List<String> keys, List<String> positions) {
    }

    /**
     * INSERT … VALUES, not INSERT … SELECT: on Citus an INSERT … SELECT goes through the coordinator and takes a
     * ShareUpdateExclusiveLock on each shard it writes until its transaction ends, which a writer held open here
     * would keep from every other writer of those shards (this one-threaded schedule would wait forever). COPY and
     * INSERT … VALUES take no such lock.
     */
    private static final String INSERT = """
            INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
            VALUES %s ON CONFLICT (user_uuid, unique_id) DO NOTHING""";
    private static final String ROW = "(CAST(? AS uuid), ?, 'ContentPieceStarted', 2, now(), '{}')";

    private final String url;
    private final List<Txn> txns;
    private final List<UUID> users;
    private final Supplier<Source> source;
    private final Map<Integer, Connection> writers = new HashMap<>();
    private final Map<Integer, List<String>> written = new HashMap<>();
    private final Map<String, Integer> committedBy = new HashMap<>();
    private final Set<String> committed = new LinkedHashSet<>();
    private final Map<Integer, Long> firstWrite = new HashMap<>();
    private final Map<Integer, Long> committedAt = new HashMap<>();
    private final List<String> delivered = new ArrayList<>();
    private long clock;
    private int nextKey;
    private String checkpoint;
    private Source reader;

    FeedSchedule(String url, List<Txn> txns, int users, Supplier<Source> source, String start) {
        this.url = url;
        this.txns = txns;
        this.users = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            this.users.add(new UUID(0x1000 + i, i));
        }
        this.source = source;
        this.checkpoint = start;
    }

    /** Runs the steps, then reads to the end; fails with what went wrong. */
    void run(List<Step> steps) throws SQLException {
        reader = source.get();
        try {
            for (Step step : steps) {
                if (step instanceof Write w) {
                    write(w.txn());
                } else if (step instanceof End e) {
                    end(e.txn());
                } else if (step instanceof Read r) {
                    read(r.limit(), r.crash());
                }
            }
            drain();
        } finally {
            for (Connection c : writers.values()) {
                c.close();
            }
        }
        check();
    }

    private void write(int t) throws SQLException {
        Txn txn = txns.get(t);
        Connection c = writers.computeIfAbsent(txn.writer(), w -> connect());
        List<String> keys = new ArrayList<>();
        StringBuilder copy = new StringBuilder();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < txn.rows(); i++) {
            // An INSERT re-sends a committed row now and then: ON CONFLICT must keep it once, where it first was.
            boolean resend = !txn.copy() && !committed.isEmpty() && i % 7 == 3;
            String key = resend ? committed.iterator().next() : users.get(nextKey % users.size()) + "/k" + nextKey++;
            if (!resend) {
                keys.add(key);
            }
            String[] parts = key.split("/");
            copy.append(parts[0]).append('\t').append(parts[1]).append("\tContentPieceStarted\t2\t2024-01-01T00:00:00Z\t{}\n");
            values.add(parts[0]);
            values.add(parts[1]);
        }
        firstWrite.put(t, ++clock);
        if (txn.copy()) {
            try {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY events (user_uuid, unique_id, event_type, "
                        + "schema_version, \"timestamp\", payload) FROM STDIN", new StringReader(copy.toString()));
            } catch (java.io.IOException e) {
                throw new SQLException(e);
            }
        } else {
            try (PreparedStatement s = c.prepareStatement(INSERT.formatted(
                    String.join(", ", Collections.nCopies(txn.rows(), ROW))))) {
                for (int i = 0; i < values.size(); i++) {
                    s.setString(i + 1, values.get(i));
                }
                s.executeUpdate();
            }
        }
        written.put(t, keys);
    }

    private void end(int t) throws SQLException {
        Connection c = writers.get(txns.get(t).writer());
        if (txns.get(t).commit()) {
            c.commit();
            committedAt.put(t, ++clock);
            for (String key : written.get(t)) {
                committed.add(key);
                committedBy.put(key, t);
            }
        } else {
            c.rollback();
        }
    }

    /** A batch, applied with its checkpoint as one; a crash loses the reader, never what it applied. */
    private void read(int limit, boolean crash) {
        Page page = reader.read(checkpoint, limit);
        if (!page.keys().isEmpty()) {
            String next = page.positions().get(page.positions().size() - 1);
            if (reader.compare(next, checkpoint) <= 0) {
                throw new AssertionError("checkpoint moved back or stood still: " + checkpoint + " -> " + next);
            }
            delivered.addAll(page.keys());
            checkpoint = next;
        }
        if (crash) {
            reader = source.get(); // restarts from the stored checkpoint, with nothing else kept
        }
    }

    /**
     * Reads until everything committed was delivered: every writer has ended, so a feed that skips nothing gets there.
     * It stops waiting when 5 s pass with nothing new delivered (a reader that skipped; the check then names what),
     * not after 5 s in all: a Citus cluster on a busy machine has taken longer than that for a few thousand rows.
     */
    private void drain() {
        long stalledSince = System.nanoTime();
        while (System.nanoTime() - stalledSince < 5_000_000_000L && !new HashSet<>(delivered).containsAll(committed)) {
            int before = delivered.size();
            read(997, false);
            if (delivered.size() > before) {
                stalledSince = System.nanoTime();
            }
        }
    }

    private void check() {
        Set<String> once = new HashSet<>();
        for (String key : delivered) {
            if (!once.add(key)) {
                throw new AssertionError("delivered twice: " + key);
            }
            if (!committed.contains(key)) {
                throw new AssertionError("delivered a row never committed (rolled back): " + key);
            }
        }
        Set<String> missing = new LinkedHashSet<>(committed);
        missing.removeAll(once);
        if (!missing.isEmpty()) {
            throw new AssertionError("skipped " + missing.size() + " committed rows, e.g. " + missing.iterator().next());
        }
        checkUserOrder();
    }

    /**
     * For each user, a row delivered before another never belongs to a transaction that began writing after the
     * other's committed; within one transaction rows keep their written order.
     */
    private void checkUserOrder() {
        Map<String, List<String>> byUser = new HashMap<>();
        for (String key : delivered) {
            byUser.computeIfAbsent(key.split("/")[0], u -> new ArrayList<>()).add(key);
        }
        for (List<String> rows : byUser.values()) {
            long laterCommits = Long.MAX_VALUE;
            for (int i = rows.size() - 1; i >= 0; i--) {
                int t = committedBy.get(rows.get(i));
                if (laterCommits < firstWrite.get(t)) {
                    throw new AssertionError("user order broken at " + rows.get(i) + ": a row delivered after it "
                            + "was committed before its transaction began");
                }
                laterCommits = Math.min(laterCommits, committedAt.get(t));
                if (i > 0 && committedBy.get(rows.get(i - 1)) == t && keyNumber(rows.get(i - 1)) > keyNumber(rows.get(i))) {
                    throw new AssertionError("rows of one transaction out of order: " + rows.get(i - 1) + ", " + rows.get(i));
                }
            }
        }
    }

    private static int keyNumber(String key) {
        return Integer.parseInt(key.substring(key.lastIndexOf("/k") + 2));
    }

    private Connection connect() {
        try {
            Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?")
                    + "currentSchema=" + Database.DEFAULT_SCHEMA);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
