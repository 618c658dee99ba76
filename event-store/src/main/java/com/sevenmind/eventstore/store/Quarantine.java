package com.sevenmind.eventstore.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@code rejected_events} table: every input the store could not accept, verbatim, with where it came from and
 * why, so nothing is lost and it can be retried once the cause is fixed. Each source keeps at most
 * {@link #DEFAULT_CAP_BYTES} of inputs, so that a flood of bad inputs cannot fill the disk; past it an input is
 * dropped, and counted in {@code quarantine_dropped}.
 */
public final class Quarantine {

    /**
     * One rejected input.
     *
     * @param id          0 before it is stored
     * @param line        the line in a file; null for other sources
     * @param inputFormat how to read it again: native, rudderstack or pubsub
     * @param reason      {@code conflict}, or why it could not be read
     * @param rejectedAt  null before it is stored
     */
    public record Rejection(long id, String source, Long line, String inputFormat, String input, String reason,
                            Instant rejectedAt) {

        /**
         * A rejection not stored yet.
         *
         * @param source      where it came from
         * @param line        the line in a file; null for other sources
         * @param inputFormat native, rudderstack or pubsub
         * @param input       the input, verbatim
         * @param reason      why it was rejected
         * @return the rejection
         */
        public static Rejection of(String source, Long line, String inputFormat, String input, String reason) {
            return new Rejection(0, source, line, inputFormat, input, reason, null);
        }
    }

    /**
     * What a source dropped since the quarantine was made: inputs not kept because it was over its cap or its rate.
     *
     * @param bytes the inputs' length in UTF-8
     */
    public record Dropped(String source, long inputs, long bytes, Instant lastDroppedAt) {
    }

    /** The bytes of inputs (in UTF-8) a source keeps at most: far above what a deployment's bad inputs come to. */
    public static final long DEFAULT_CAP_BYTES = 256L << 20;

    private final Jdbi jdbi;
    private final String description;
    private final long capBytes;

    Quarantine(Jdbi jdbi, String description) {
        this(jdbi, description, DEFAULT_CAP_BYTES);
    }

    private Quarantine(Jdbi jdbi, String description, long capBytes) {
        this.jdbi = jdbi;
        this.description = description;
        this.capBytes = capBytes;
    }

    /**
     * This quarantine with another cap per source.
     *
     * @param bytesPerSource the bytes per source
     * @return the quarantine with that cap
     */
    public Quarantine capped(long bytesPerSource) {
        return new Quarantine(jdbi, description, bytesPerSource);
    }

    /**
     * How many bytes of inputs each source may keep.
     *
     * @return the cap per source
     */
    public long capBytes() {
        return capBytes;
    }

    /**
     * Keeps the rejections that fit under their source's cap, in order, and returns the others, which are dropped
     * and counted; one already kept (same source, line and input) is kept once.
     *
     * <p>Concurrent adds to one source must not both fill its last room, and must not wait for each other's inserts
     * either (eight requests of 20,000 bad calls, queued one behind another, would pass serve's statement limit). So
     * each is first tried without waiting: the rows go in, then one statement adds their bytes to the source's count,
     * which holds that row until the commit, and shows the total; only when the total is past the cap, because a
     * concurrent add took the room counted on, is it rolled back and done again with the source's row locked from the
     * start.
     *
     * @param rejections the inputs to keep
     * @return the inputs not kept because their source's cap was reached; they were dropped and counted
     */
    public List<Rejection> add(List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return List.of();
        }
        Map<String, List<Rejection>> bySource = new TreeMap<>();
        for (Rejection r : rejections) {
            bySource.computeIfAbsent(r.source(), s -> new ArrayList<>()).add(r);
        }
        try {
            return inDatabase(h -> h.inTransaction(tx -> add(tx, bySource, false)));
        } catch (PastCap e) {
            return inDatabase(h -> h.inTransaction(tx -> add(tx, bySource, true)));
        }
    }

    /** Thrown to roll back an add that, without the lock, went past a cap. */
    private static final class PastCap extends RuntimeException {
        PastCap() {
            super(null, null, false, false);
        }
    }

    private List<Rejection> add(Handle tx, Map<String, List<Rejection>> bySource, boolean locked) {
        List<Rejection> dropped = new ArrayList<>();
        // Sources in order, each with a statement of its own: two adds of the same sources take their rows' locks in
        // the same order, and never deadlock.
        for (Map.Entry<String, List<Rejection>> source : bySource.entrySet()) {
            long kept = locked ? addKept(tx, source.getKey(), 0) : tx.createQuery(
                            "SELECT coalesce((SELECT bytes FROM quarantine_kept WHERE source = :source), 0)")
                    .bind("source", source.getKey()).mapTo(Long.class).one();
            RejectionRows rows = new RejectionRows(source.getKey());
            long droppedBytes = 0;
            int droppedBefore = dropped.size();
            for (Rejection r : source.getValue()) {
                String input = storable(r.input());
                long bytes = utf8Length(input);
                if (kept + bytes > capBytes) {
                    dropped.add(r);
                    droppedBytes += bytes;
                    continue;
                }
                kept += bytes;
                rows.add(r, input);
            }
            long added = rows.insert(tx);
            if (added > 0 && addKept(tx, source.getKey(), added) > capBytes && !locked) {
                throw new PastCap();
            }
            countDropped(tx, source.getKey(), dropped.size() - droppedBefore, droppedBytes);
        }
        return dropped;
    }

    /** Adds {@code bytes} to what {@code source} keeps, locking its row until the commit; returns the total. */
    private static long addKept(Handle tx, String source, long bytes) {
        return tx.createQuery("""
                        INSERT INTO quarantine_kept AS k (source, bytes) VALUES (:source, :bytes)
                        ON CONFLICT (source) DO UPDATE SET bytes = k.bytes + excluded.bytes RETURNING bytes""")
                .bind("source", source).bind("bytes", bytes).mapTo(Long.class).one();
    }

    /**
     * Counts inputs of {@code source} that were not kept, e.g. over a rate.
     *
     * @param source where the inputs came from
     * @param inputs how many inputs were not kept
     * @param bytes how many bytes they held
     */
    public void dropped(String source, long inputs, long bytes) {
        inDatabase(h -> {
            countDropped(h, source, inputs, bytes);
            return null;
        });
    }

    private static void countDropped(Handle h, String source, long inputs, long bytes) {
        if (inputs > 0) {
            h.createUpdate("""
                            INSERT INTO quarantine_dropped AS d (source, inputs, bytes, last_dropped_at)
                            VALUES (:source, :inputs, :bytes, now())
                            ON CONFLICT (source) DO UPDATE SET inputs = d.inputs + excluded.inputs,
                                bytes = d.bytes + excluded.bytes, last_dropped_at = excluded.last_dropped_at""")
                    .bind("source", source).bind("inputs", inputs).bind("bytes", bytes).execute();
        }
    }

    /**
     * Every source that dropped inputs, by source.
     *
     * @return the counts of inputs not kept, by source
     */
    public List<Dropped> drops() {
        return inDatabase(h -> h.createQuery(
                        "SELECT source, inputs, bytes, last_dropped_at FROM quarantine_dropped ORDER BY source")
                .map((rs, ctx) -> new Dropped(rs.getString("source"), rs.getLong("inputs"), rs.getLong("bytes"),
                        rs.getObject("last_dropped_at", OffsetDateTime.class).toInstant()))
                .list());
    }

    /**
     * The length of {@code text} in UTF-8, as PostgreSQL's octet_length counts it, without encoding it.
     *
     * @param text the text
     * @return its length in UTF-8 bytes
     */
    public static long utf8Length(String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** PostgreSQL text holds no NUL character: the one change made to an input kept here, written as \\u0000. */
    static String storable(String text) {
        return text.replace("\0", "\\u0000");
    }

    private static final String LIST = """
            SELECT id, source, line, input_format, input, reason, rejected_at FROM rejected_events
            WHERE rejected_at >= :since AND id > :after ORDER BY id""";

    /**
     * Feeds the rejections kept since {@code since} (all when null), oldest first, in constant memory.
     *
     * @param since the earliest time, or null for all
     * @param sink takes each event
     */
    public void list(Instant since, Consumer<Rejection> sink) {
        inDatabase(h -> h.inTransaction(tx -> {
            query(tx, LIST, since, 0).setFetchSize(500).map(Quarantine::rejection).forEach(sink);
            return null;
        }));
    }

    /**
     * Up to {@code limit} rejections kept since {@code since} (all when null) with ids after {@code afterId}, oldest
     * first: to work through the quarantine without a transaction held open, so that what is done with each (an
     * append that fails, say) is not part of it.
     *
     * @param since the earliest time, or null for all
     * @param afterId the id to go on after; 0 for the first
     * @param limit how many at most
     * @return the rejections, oldest first
     */
    public List<Rejection> page(Instant since, long afterId, int limit) {
        return inDatabase(h -> query(h, LIST + " LIMIT :limit", since, afterId).bind("limit", limit)
                .map(Quarantine::rejection).list());
    }

    private static Query query(Handle h, String sql, Instant since, long afterId) {
        return h.createQuery(sql).bind("after", afterId)
                .bind("since", OffsetDateTime.ofInstant(since == null ? Instant.EPOCH : since, ZoneOffset.UTC));
    }

    private static Rejection rejection(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Rejection(rs.getLong("id"), rs.getString("source"), (Long) rs.getObject("line"),
                rs.getString("input_format"), rs.getString("input"), rs.getString("reason"),
                rs.getObject("rejected_at", OffsetDateTime.class).toInstant());
    }

    /**
     * The input was accepted on a retry: it is no longer kept here.
     *
     * @param id the rejection's id
     */
    public void resolve(long id) {
        inDatabase(h -> h.createUpdate("DELETE FROM rejected_events WHERE id = :id").bind("id", id).execute());
    }

    /**
     * A retry failed again, maybe for another reason.
     *
     * @param id the rejection's id
     * @param reason the new reason
     */
    public void rejectAgain(long id, String reason) {
        inDatabase(h -> h.createUpdate("UPDATE rejected_events SET reason = :reason, rejected_at = now() WHERE id = :id")
                .bind("id", id).bind("reason", reason).execute());
    }

    /**
     * How many inputs are kept.
     *
     * @return the number of inputs kept
     */
    public long count() {
        return inDatabase(h -> h.createQuery("SELECT count(*) FROM rejected_events").mapTo(Long.class).one());
    }

    private <R> R inDatabase(HandleCallback<R, RuntimeException> work) {
        return Database.guarded(jdbi, description, work);
    }
}
