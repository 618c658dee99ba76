package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.store.Quarantine.Rejection;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Rejections of one source on their way into the quarantine's table, as one array per column: they go in with one
 * statement per {@link #PER_STATEMENT}, so that a request of many bad inputs costs one round trip per ten thousand,
 * and no one statement of a large request runs into serve's statement limit.
 */
final class RejectionRows {

    static final int PER_STATEMENT = 10_000;

    /** Keeps a batch of rejected inputs in one statement; its value: the bytes newly kept. */
    private static final String INSERT = Statements.sql("quarantine_insert");

    private final String source;
    private final List<Long> lines = new ArrayList<>();
    private final List<String> formats = new ArrayList<>();
    private final List<String> inputs = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();

    RejectionRows(String source) {
        this.source = source;
    }

    /** {@code r}, its input as it is to be stored. */
    void add(Rejection r, String input) {
        lines.add(r.line());
        formats.add(r.inputFormat());
        inputs.add(input);
        reasons.add(Quarantine.storable(r.reason()));
    }

    /** Inserts the rows, those already kept excepted, and returns the bytes of the inputs inserted. */
    long insert(Handle tx) {
        long bytes = 0;
        for (int from = 0; from < lines.size(); from += PER_STATEMENT) {
            int to = Math.min(lines.size(), from + PER_STATEMENT);
            bytes += tx.createQuery(INSERT)
                    .bind("source", source).bindArray("lines", Long.class, lines.subList(from, to))
                    .bindArray("formats", String.class, formats.subList(from, to))
                    .bindArray("inputs", String.class, inputs.subList(from, to))
                    .bindArray("reasons", String.class, reasons.subList(from, to)).mapTo(Long.class).one();
        }
        return bytes;
    }
}
