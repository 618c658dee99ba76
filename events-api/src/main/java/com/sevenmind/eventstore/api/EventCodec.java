package com.sevenmind.eventstore.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * The one place that knows how events look as JSON: the import line format and the stored payload.
 *
 * <p>The line format is {@code {"event_type","unique_id","user_id","session_id","timestamp","timezone","locale",
 * "object_uri"}}. The stored payload holds only what has no column: session_id, timezone, locale, object_uri.
 */
public final class EventCodec {

    /** The event types this version knows, by their stored names. */
    public static final List<String> EVENT_TYPES =
            List.of("ContentPieceStarted", "ContentPieceCompleted", "ContentPieceCancelled");

    /** The schema version written for new events. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    private final ObjectMapper mapper;

    public EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Parses one line of the import format; throws {@link InvalidEventException} naming the field at fault. */
    public Event parseLine(String line) {
        JsonNode node = readTree(line, "not valid JSON");
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(null, null, "not a JSON object");
        }
        String type = text(node, "event_type");
        UUID userId = uuid(text(node, "user_id"));
        Instant timestamp = parseTimestamp(text(node, "timestamp"));
        return create(type, userId, text(node, "unique_id"), timestamp, text(node, "session_id"),
                text(node, "timezone"), text(node, "locale"), text(node, "object_uri"));
    }

    /**
     * The event as one line of the import format, its timestamp in UTC ({@code …Z}) or, with {@code localOffset},
     * with the offset of the event's own time zone ({@code …+02:00}), as some senders write it.
     */
    public String toLine(Event event, boolean localOffset) {
        String timestamp = localOffset
                ? DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.timestamp().atZone(ZoneId.of(event.timezone())))
                : DateTimeFormatter.ISO_INSTANT.format(event.timestamp());
        ObjectNode node = mapper.createObjectNode()
                .put("event_type", event.eventType())
                .put("unique_id", event.uniqueId())
                .put("user_id", event.userId().toString())
                .put("session_id", event.sessionId())
                .put("timestamp", timestamp)
                .put("timezone", event.timezone())
                .put("locale", event.locale())
                .put("object_uri", event.objectUri());
        return write(node);
    }

    /** The jsonb payload stored beside the metadata columns. */
    public String payload(Event event) {
        return write(mapper.createObjectNode()
                .put("session_id", event.sessionId())
                .put("timezone", event.timezone())
                .put("locale", event.locale())
                .put("object_uri", event.objectUri()));
    }

    /** Rebuilds an event from its metadata columns and stored payload. */
    public Event fromStored(String eventType, UUID userId, String uniqueId, Instant timestamp, String payload) {
        JsonNode node = readTree(payload, "payload is not valid JSON");
        return create(eventType, userId, uniqueId, timestamp, text(node, "session_id"),
                text(node, "timezone"), text(node, "locale"), text(node, "object_uri"));
    }

    /**
     * Parses an ISO-8601 date-time with {@code Z} or an offset, e.g. {@code 2024-03-01T07:15:00.123456+01:00}.
     * A time without an offset is refused: it would be read in whatever zone the server runs in.
     */
    public static Instant parseTimestamp(String value) {
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("timestamp", value,
                    "is not an ISO-8601 date-time with Z or an offset, e.g. 2024-03-01T07:15:00.123456Z");
        }
    }

    private static Event create(String type, UUID userId, String uniqueId, Instant timestamp, String sessionId,
                                String timezone, String locale, String objectUri) {
        return switch (type) {
            case "ContentPieceStarted" ->
                    new ContentPieceStarted(userId, uniqueId, sessionId, timestamp, timezone, locale, objectUri);
            case "ContentPieceCompleted" ->
                    new ContentPieceCompleted(userId, uniqueId, sessionId, timestamp, timezone, locale, objectUri);
            case "ContentPieceCancelled" ->
                    new ContentPieceCancelled(userId, uniqueId, sessionId, timestamp, timezone, locale, objectUri);
            default -> throw new InvalidEventException("event_type", type, "is not one of " + EVENT_TYPES);
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEventException(field, null, "is missing");
        }
        if (!value.isTextual()) {
            throw new InvalidEventException(field, value.toString(), "is not a string");
        }
        return value.textValue();
    }

    private static UUID uuid(String value) {
        try {
            UUID parsed = UUID.fromString(value);
            // UUID.fromString accepts short groups such as 1-2-3-4-5; only the canonical form is an id here.
            if (parsed.toString().equalsIgnoreCase(value)) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidEventException("user_id", value, "is not a UUID");
    }

    private JsonNode readTree(String json, String problem) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message carries a source excerpt over several lines; keep its first clause and the column.
            String reason = e.getOriginalMessage().lines().findFirst().orElse("").split(" \\(start marker")[0];
            throw new InvalidEventException(null, null,
                    problem + " at column " + e.getLocation().getColumnNr() + ": " + reason);
        }
    }

    private String write(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }
}
