package com.sevenmind.eventstore.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code rejected_events} table: every input the store could not accept, verbatim, with where it came from and
 * why, so nothing is lost and it can be retried once the cause is fixed.
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

        public static Rejection of(String source, Long line, String inputFormat, String input, String reason) {
            return new Rejection(0, source, line, inputFormat, input, reason, null);
        }
    }

    private final Jdbi jdbi;
    private final String description;

    Quarantine(Jdbi jdbi, String description) {
        this.jdbi = jdbi;
        this.description = description;
    }

    /** Keeps the rejections; one already kept (same source, line and input) is kept once. */
    public void add(List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        inDatabase(h -> {
            var batch = h.prepareBatch("""
                    INSERT INTO rejected_events (source, line, input_format, input, reason)
                    VALUES (:source, :line, :format, :input, :reason)
                    ON CONFLICT (source, coalesce(line, 0), md5(input)) DO NOTHING""");
            for (Rejection r : rejections) {
                batch.bind("source", r.source()).bind("line", r.line()).bind("format", r.inputFormat())
                        .bind("input", storable(r.input())).bind("reason", storable(r.reason())).add();
            }
            return batch.execute();
        });
    }

    /** PostgreSQL text holds no NUL character: the one change made to an input kept here, written as \\u0000. */
    private static String storable(String text) {
        return text.replace("\0", "\\u0000");
    }

    /** Feeds the rejections kept since {@code since} (all when null), oldest first, in constant memory. */
    public void list(Instant since, Consumer<Rejection> sink) {
        inDatabase(h -> h.inTransaction(tx -> {
            tx.createQuery("""
                            SELECT id, source, line, input_format, input, reason, rejected_at FROM rejected_events
                            WHERE rejected_at >= :since ORDER BY id""")
                    .bind("since", OffsetDateTime.ofInstant(since == null ? Instant.EPOCH : since, ZoneOffset.UTC))
                    .setFetchSize(500)
                    .map((rs, ctx) -> new Rejection(rs.getLong("id"), rs.getString("source"),
                            (Long) rs.getObject("line"), rs.getString("input_format"), rs.getString("input"),
                            rs.getString("reason"), rs.getObject("rejected_at", OffsetDateTime.class).toInstant()))
                    .forEach(sink);
            return null;
        }));
    }

    /** The input was accepted on a retry: it is no longer kept here. */
    public void resolve(long id) {
        inDatabase(h -> h.createUpdate("DELETE FROM rejected_events WHERE id = :id").bind("id", id).execute());
    }

    /** A retry failed again, maybe for another reason. */
    public void rejectAgain(long id, String reason) {
        inDatabase(h -> h.createUpdate("UPDATE rejected_events SET reason = :reason, rejected_at = now() WHERE id = :id")
                .bind("id", id).bind("reason", reason).execute());
    }

    public long count() {
        return inDatabase(h -> h.createQuery("SELECT count(*) FROM rejected_events").mapTo(Long.class).one());
    }

    private <R> R inDatabase(HandleCallback<R, RuntimeException> work) {
        return Database.guarded(jdbi, description, work);
    }
}
