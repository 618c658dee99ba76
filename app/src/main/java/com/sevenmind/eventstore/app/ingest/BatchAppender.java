package com.sevenmind.eventstore.app.ingest;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import com.sevenmind.eventstore.store.AppendOptions;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends a stream of events in batches, reporting progress, and adds up what the store said. Inputs that cannot be
 * stored (rejected ones, conflicts, and events PostgreSQL refuses) go to the quarantine with the batch they came
 * with; a refused event is reported on stderr and the rest of its batch is stored. What the quarantine has no room
 * for is reported on stderr too.
 */
public final class BatchAppender {

    /**
     * The largest batch taken: a batch is held in memory twice (events and their COPY text) and written in one
     * transaction, and batches past some thousands of events append no faster.
     */
    public static final int MAX_BATCH_SIZE = 100_000;

    /**
     * Rejected inputs held at most before they go to the quarantine, by count and by their length in UTF-8: they are
     * kept as they come, not when a batch of valid events is full, so that an input of nothing but bad lines (or of
     * a few huge ones) runs in bounded memory. A batch of events is appended early too once its inputs come to the
     * bytes: a thousand lines of a megabyte each would not fit in a small heap.
     */
    static final int MAX_HELD_REJECTIONS = 1_000;
    static final long MAX_HELD_BYTES = 4L << 20;

    /** Where an event came from, to quarantine it verbatim if the store reports a conflict. */
    public record Origin(String source, Long line, String format, String input) {
    }

    /** Generated events have no input of their own: a conflicting one is kept as its import line. */
    private static final String GENERATED = "generate";

    private final EventStore store;
    private final Quarantine quarantine;
    private final EventCodec codec;
    private final int batchSize;
    private final Progress progress;
    private final int schemaVersion;
    private final PrintWriter err;
    private final List<Event> batch;
    private final List<PipelineMetadata> metadata;
    private final List<Origin> origins;
    private final List<Rejection> rejections = new ArrayList<>();
    private long heldBytes;
    private long batchBytes;
    private AppendResult result = AppendResult.NONE;
    private long refused;

    public BatchAppender(EventStore store, Quarantine quarantine, EventCodec codec, int batchSize, Progress progress,
                  int schemaVersion, PrintWriter err) {
        this.store = store;
        this.quarantine = quarantine;
        this.codec = codec;
        this.batchSize = batchSize;
        this.progress = progress;
        this.schemaVersion = schemaVersion;
        this.err = err;
        this.batch = new ArrayList<>(batchSize);
        this.metadata = new ArrayList<>(batchSize);
        this.origins = new ArrayList<>(batchSize);
    }

    /** A generated event. */
    public void add(Event event) {
        add(event, PipelineMetadata.NONE, null);
    }

    public void add(Event event, PipelineMetadata pipeline, Origin origin) {
        batch.add(event);
        metadata.add(pipeline);
        origins.add(origin);
        batchBytes += origin == null ? 0 : Quarantine.utf8Length(origin.input());
        if (batch.size() >= batchSize || batchBytes >= MAX_HELD_BYTES) {
            flush();
        }
    }

    /** Quarantines an input: with the next batch, or before it once enough are held. */
    public void reject(Rejection rejection) {
        rejections.add(rejection);
        heldBytes += Quarantine.utf8Length(rejection.input());
        if (rejections.size() >= MAX_HELD_REJECTIONS || heldBytes >= MAX_HELD_BYTES) {
            quarantine();
        }
    }

    /** Appends what is left and returns the totals. */
    public AppendResult finish() {
        flush();
        progress.finish();
        return result;
    }

    /** How many events PostgreSQL refused (reported on stderr and quarantined, not in the totals). */
    public long refused() {
        return refused;
    }

    private void flush() {
        if (!batch.isEmpty()) {
            result = result.plus(store.append(batch, AppendOptions.DEFAULTS
                    .withSchemaVersion(schemaVersion)
                    .withMetadata(metadata)
                    .withListener(i -> rejections.add(rejection(i, "conflict")))
                    .withRefusals((reason, i) -> {
                        refused++;
                        Rejection r = rejection(i, Inputs.refused(reason));
                        err.println(where(r) + ": " + r.reason());
                        rejections.add(r);
                    })));
            progress.advance(batch.size());
        }
        quarantine();
        batch.clear();
        metadata.clear();
        origins.clear();
        batchBytes = 0;
    }

    private void quarantine() {
        for (Rejection r : quarantine.add(rejections)) {
            err.println(where(r) + ": quarantine full for source " + r.source() + " (its cap is "
                    + String.format("%,d", quarantine.capBytes()) + " bytes); not kept");
        }
        rejections.clear();
        heldBytes = 0;
    }

    private Rejection rejection(int i, String reason) {
        Origin o = origins.get(i);
        return o == null
                ? Rejection.of(GENERATED, null, Inputs.NATIVE, codec.toLine(batch.get(i), false), reason)
                : Rejection.of(o.source(), o.line(), o.format(), o.input(), reason);
    }

    /** How stderr names an input: by its line; a generated event has none (its line in the quarantine says all). */
    private static String where(Rejection r) {
        return r.line() != null ? "line " + r.line() : "a generated event";
    }
}
