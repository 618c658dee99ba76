package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.util.List;
import java.util.Objects;
import java.util.function.ObjIntConsumer;

/**
 * How {@link EventStore#append(List, AppendOptions)} writes a batch, and whom it tells what became of each event:
 * start from {@link #DEFAULTS} and change what differs, e.g.
 * {@code AppendOptions.DEFAULTS.withMetadata(metadata).withListener(listener)}. Immutable: each {@code with} method
 * returns a new value.
 */
public final class AppendOptions {

    /**
     * The current schema version, no pipeline metadata, nobody told of duplicates, conflicts or forgotten users, and
     * a refused event failing its batch.
     */
    public static final AppendOptions DEFAULTS = new AppendOptions(EventCodec.CURRENT_SCHEMA_VERSION, null,
            i -> { }, null);

    private final int schemaVersion;
    private final List<PipelineMetadata> metadata;
    private final AppendListener listener;
    private final ObjIntConsumer<String> onRefused;

    private AppendOptions(int schemaVersion, List<PipelineMetadata> metadata, AppendListener listener,
                          ObjIntConsumer<String> onRefused) {
        this.schemaVersion = schemaVersion;
        this.metadata = metadata;
        this.listener = Objects.requireNonNull(listener, "listener cannot be null");
        this.onRefused = onRefused;
    }

    /**
     * The shape to write the payloads in: the current one (the default), or 1 as rows were written before.
     *
     * @param schemaVersion the schema version of the stored payloads
     * @return these options with that version
     */
    public AppendOptions withSchemaVersion(int schemaVersion) {
        return new AppendOptions(schemaVersion, metadata, listener, onRefused);
    }

    /**
     * What the pipeline said about each event, stored beside it. Not part of an event's content: a re-delivery with
     * other metadata is a duplicate, and the stored copy keeps its own.
     *
     * @param metadata the metadata of each event of the batch, in its order (as many as the events)
     * @return these options with that metadata
     */
    public AppendOptions withMetadata(List<PipelineMetadata> metadata) {
        return new AppendOptions(schemaVersion, List.copyOf(metadata), listener, onRefused);
    }

    /**
     * Told of duplicates, conflicts and events of forgotten users, by their index in the batch.
     *
     * @param listener the listener
     * @return these options with that listener
     */
    public AppendOptions withListener(AppendListener listener) {
        return new AppendOptions(schemaVersion, metadata, listener, onRefused);
    }

    /**
     * An event PostgreSQL refuses for what it holds (see {@link EventStore#refusal(Throwable)}) no longer fails its
     * batch: each one is reported to {@code onRefused} with the database's reason and its index in the batch, and the
     * others are appended. A failure of the database itself (connection, serialization) still throws
     * {@link StoreException}. Not for an append inside a transaction of the caller's on this thread: Jdbi would run
     * the append in it, and the refusal would abort it.
     *
     * @param onRefused told of each refused event, with the database's reason and its index
     * @return these options with refused events reported instead of failing the batch
     */
    public AppendOptions withRefusals(ObjIntConsumer<String> onRefused) {
        return new AppendOptions(schemaVersion, metadata, listener, Objects.requireNonNull(onRefused,
                "onRefused cannot be null"));
    }

    int schemaVersion() {
        return schemaVersion;
    }

    /** The metadata of the event at {@code index}; {@link PipelineMetadata#NONE} when none was given. */
    PipelineMetadata metadata(int index) {
        return metadata == null ? PipelineMetadata.NONE : metadata.get(index);
    }

    AppendListener listener() {
        return listener;
    }

    /** Null when a refused event fails the batch. */
    ObjIntConsumer<String> onRefused() {
        return onRefused;
    }

    /** These options for a sub-batch: the events at {@code kept} of the whole, told of by their index in it. */
    AppendOptions keeping(List<Integer> kept) {
        return new AppendOptions(schemaVersion, metadata == null ? null : kept.stream().map(metadata::get).toList(),
                listener.at(kept::get), null);
    }

    /** Fails unless there is metadata for each of {@code events} events, when there is any. */
    void checkSize(int events) {
        if (metadata != null && metadata.size() != events) {
            throw new IllegalArgumentException("append: " + metadata.size() + " pipeline metadata for " + events
                    + " events; give one for each event, in their order");
        }
    }
}
