package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Upcaster;

/**
 * Version 1 to 2, for each Content Piece event: {@code object_uri} becomes a structured {@code content} object
 * (the raw URI kept inside it). Terminal events gain an optional {@code position_seconds}, which version 1 never
 * had, so nothing is added for it.
 */
final class ContentUpcaster implements Upcaster {

    private final String eventType;

    ContentUpcaster(String eventType) {
        this.eventType = eventType;
    }

    @Override
    public String eventType() {
        return eventType;
    }

    @Override
    public int fromVersion() {
        return 1;
    }

    @Override
    public ObjectNode upcast(ObjectNode payload) {
        JsonNode uri = payload.remove("object_uri");
        if (uri == null || !uri.isTextual()) {
            throw new InvalidEventException("object_uri", uri == null ? null : uri.toString(),
                    uri == null ? "is missing" : "is not a string");
        }
        ContentPieceType.writeContent(payload.putObject("content"), Content.parse(uri.textValue()));
        return payload;
    }
}
