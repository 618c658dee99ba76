package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventType;
import com.sevenmind.eventstore.api.InvalidEventException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * How the events of one registered type look as JSON, in every format: what {@link EventCodec} asks of each type.
 * The Content Piece types bring their own ({@link ContentPieceType}); a plug-in type is read and written as its record
 * ({@link RecordFormat}). Every method throws {@link InvalidEventException} naming the field at fault.
 */
interface EventFormat {

    /** The type, as registered. */
    EventType<?> type();

    /** The event of a line of the import format, its common fields read and checked already. */
    Event fromLine(JsonNode line, UUID userId, String uniqueId, Instant timestamp);

    /**
     * The event as a line of the import format, {@code "event_type"} written already; the time in UTC or, with
     * {@code localOffset}, at the offset of the event's own time zone when it has one.
     */
    void writeLine(ObjectNode line, Event event, boolean localOffset);

    /** The event of a RudderStack track call, its common fields read and checked already; errors name its paths. */
    Event fromTrack(JsonNode call, UUID userId, String uniqueId, Instant timestamp);

    /**
     * The fields of a track call the event holds, by object ({@code context}, {@code properties}): the metadata kept
     * beside the event leaves them out. A null list: the whole object.
     */
    Map<String, List<String>> trackFieldsHeld();

    /** The stored payload in the shape of {@code schemaVersion}: the type's current one, or an older it can write. */
    String payload(Event event, int schemaVersion);

    /**
     * The event of a stored payload of the type's current version, UTF-8, with at least the {@code fields} named
     * (empty: all), as {@code Projection.payloadFields()} says.
     */
    Event fromPayload(UUID userId, String uniqueId, Instant timestamp, byte[] payload, Set<String> fields);
}
