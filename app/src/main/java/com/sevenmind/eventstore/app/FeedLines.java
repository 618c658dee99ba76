package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import com.sevenmind.eventstore.store.FeedEntry;
import jakarta.inject.Inject;
import java.time.format.DateTimeFormatter;

/**
 * An entry of the global feed as one JSON object, the same for {@code feed}, {@code GET /feed} and the feed's
 * Server-Sent Events: a stored event as {@code export} writes it plus {@code "position"}; a forgotten user as
 * {@code {"forgotten_user_hash","forgotten_at","position"}}.
 */
public final class FeedLines {

    private final EventCodec codec;
    private final ObjectMapper mapper;

    @Inject
    public FeedLines(EventCodec codec, ObjectMapper mapper) {
        this.codec = codec;
        this.mapper = mapper;
    }

    public ObjectNode line(FeedEntry entry) {
        ObjectNode line;
        if (entry instanceof FeedEntry.Stored e) {
            line = codec.line(codec.fromStored(e.eventType(), e.schemaVersion(), e.user(), e.uniqueId(), e.timestamp(),
                    e.payload()), new PipelineMetadata(e.receivedAt(), e.metadata()));
        } else {
            FeedEntry.Forgotten f = (FeedEntry.Forgotten) entry;
            line = mapper.createObjectNode()
                    .put("forgotten_user_hash", f.userHash())
                    .put("forgotten_at", DateTimeFormatter.ISO_INSTANT.format(f.forgottenAt()));
        }
        return line.put("position", entry.position().toString());
    }
}
