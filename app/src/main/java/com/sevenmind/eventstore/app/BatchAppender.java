package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends a stream of events in batches, reporting progress, and adds up what the store said. Inputs that cannot be
 * stored (rejected ones, and conflicts the store reports) go to the quarantine with the batch they came with.
 */
final class BatchAppender {

    /** Where an event came from, to quarantine it verbatim if the store reports a conflict. */
    record Origin(String source, Long line, String format, String input) {
    }

    /** Generated events have no input of their own: a conflicting one is kept as its import line. */
    private static final String GENERATED = "generate";

    private final EventStore store;
    private final Quarantine quarantine;
    private final EventCodec codec;
    private final int batchSize;
    private final Progress progress;
    private final int schemaVersion;
    private final List<Event> batch;
    private final List<Origin> origins;
    private final List<Rejection> rejections = new ArrayList<>();
    private AppendResult result = AppendResult.NONE;

    BatchAppender(EventStore store, Quarantine quarantine, EventCodec codec, int batchSize, Progress progress,
                  int schemaVersion) {
        this.store = store;
        this.quarantine = quarantine;
        this.codec = codec;
        this.batchSize = batchSize;
        this.progress = progress;
        this.schemaVersion = schemaVersion;
        this.batch = new ArrayList<>(batchSize);
        this.origins = new ArrayList<>(batchSize);
    }

    /** A generated event. */
    void add(Event event) {
        add(event, null);
    }

    void add(Event event, Origin origin) {
        batch.add(event);
        origins.add(origin);
        if (batch.size() >= batchSize) {
            flush();
        }
    }

    /** Quarantines an input with the next batch. */
    void reject(Rejection rejection) {
        rejections.add(rejection);
    }

    /** Appends what is left and returns the totals. */
    AppendResult finish() {
        flush();
        progress.finish();
        return result;
    }

    private void flush() {
        if (!batch.isEmpty()) {
            result = result.plus(store.append(batch, schemaVersion, i -> {
                Origin o = origins.get(i);
                rejections.add(o == null
                        ? Rejection.of(GENERATED, null, Inputs.NATIVE, codec.toLine(batch.get(i), false), "conflict")
                        : Rejection.of(o.source(), o.line(), o.format(), o.input(), "conflict"));
            }));
            progress.advance(batch.size());
            batch.clear();
            origins.clear();
        }
        quarantine.add(rejections);
        rejections.clear();
    }
}
