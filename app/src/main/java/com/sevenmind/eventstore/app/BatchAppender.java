package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.EventStore;
import java.util.ArrayList;
import java.util.List;

/** Appends a stream of events in batches, reporting progress, and adds up what the store said. */
final class BatchAppender {

    private final EventStore store;
    private final int batchSize;
    private final Progress progress;
    private final int schemaVersion;
    private final List<Event> batch;
    private AppendResult result = AppendResult.NONE;

    BatchAppender(EventStore store, int batchSize, Progress progress) {
        this(store, batchSize, progress, EventCodec.CURRENT_SCHEMA_VERSION);
    }

    /** Writing the payloads in the shape of {@code schemaVersion}. */
    BatchAppender(EventStore store, int batchSize, Progress progress, int schemaVersion) {
        this.store = store;
        this.batchSize = batchSize;
        this.progress = progress;
        this.schemaVersion = schemaVersion;
        this.batch = new ArrayList<>(batchSize);
    }

    void add(Event event) {
        batch.add(event);
        if (batch.size() >= batchSize) {
            flush();
        }
    }

    /** Appends what is left and returns the totals. */
    AppendResult finish() {
        flush();
        progress.finish();
        return result;
    }

    private void flush() {
        if (!batch.isEmpty()) {
            result = result.plus(store.append(batch, schemaVersion));
            progress.advance(batch.size());
            batch.clear();
        }
    }
}
