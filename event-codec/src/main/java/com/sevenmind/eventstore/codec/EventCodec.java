package com.sevenmind.eventstore.codec;

import static com.sevenmind.eventstore.codec.JsonFields.text;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Upcaster;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The one place that knows how events look as JSON: the import line format and the stored payload, of every
 * schema version.
 *
 * <p>The line format is flat: {@code {"event_type","unique_id","user_id","session_id","timestamp","timezone",
 * "locale","object_uri"}}, plus an optional {@code "position_seconds"} on Completed and Cancelled. The stored
 * payload holds only what has no column. Version 2, written today:
 * {@code {"session_id","timezone","locale","content":{"kind","course_id","item_id","single_id","recording_id",
 * "object_uri"},"position_seconds"}}; version 1 had {@code "object_uri"} where version 2 has {@code "content"}, and
 * no position. Older payloads are brought up to date by {@link Upcaster}s while they are read.
 *
 * <p>Over 300 lines on purpose: it is the one place that knows the events' JSON, in every version and format.
 */
public final class EventCodec {

    /** The event types this version knows, by their stored names. */
    public static final List<String> EVENT_TYPES =
            List.of("ContentPieceStarted", "ContentPieceCompleted", "ContentPieceCancelled");

    /** The schema version written for new events, and the one every event is read as. */
    public static final int CURRENT_SCHEMA_VERSION = 2;

    /**
     * The first and last timestamps taken, in UTC: the years 1 to 9999 that ISO-8601 writes in four digits.
     * PostgreSQL refuses some times outside them, and a refused event used to stop ingestion.
     */
    public static final Instant MIN_TIMESTAMP = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999999Z");

    private final ObjectMapper mapper;
    private final Upcasters upcasters;

    /** A codec with the built-in upcasters only. */
    public EventCodec(ObjectMapper mapper) {
        this(mapper, List.of());
    }

    /** A codec with the built-in upcasters and the given ones (found on the class path, say). */
    public EventCodec(ObjectMapper mapper, List<Upcaster> upcasters) {
        this.mapper = mapper;
        this.upcasters = new Upcasters(upcasters);
    }

    /** Whether this version can read events of {@code eventType}; others are passed over by readers. */
    public boolean knows(String eventType) {
        return EVENT_TYPES.contains(eventType);
    }

    /** Parses one line of the import format; throws {@link InvalidEventException} naming the field at fault. */
    public Event parseLine(String line) {
        return parse(JsonFields.readObject(mapper, line));
    }

    /** As {@link #parseLine(String)}, the line read already. */
    public Event parse(JsonNode node) {
        String type = text(node, "event_type");
        if (!knows(type)) {
            throw new InvalidEventException("event_type", type, "is not one of " + EVENT_TYPES);
        }
        UUID userId = JsonFields.uuid(text(node, "user_id"), "user_id");
        Instant timestamp = parseTimestamp(text(node, "timestamp"));
        return create(type, userId, text(node, "unique_id"), timestamp, text(node, "session_id"),
                text(node, "timezone"), text(node, "locale"), Content.parse(text(node, "object_uri")),
                type.equals("ContentPieceStarted") ? null : optionalSeconds(node));
    }

    /**
     * The event as one line of the import format, its timestamp in UTC ({@code …Z}) or, with {@code localOffset},
     * with the offset of the event's own time zone ({@code …+02:00}), as some senders write it.
     */
    public String toLine(Event event, boolean localOffset) {
        return write(line(event, localOffset));
    }

    /**
     * The event as a line of the import format with what the pipeline said about it: {@code "received_at"} and
     * {@code "metadata"} after the event's fields, each when known, so that an import of the line keeps them.
     */
    public ObjectNode line(Event event, PipelineMetadata metadata) {
        ObjectNode node = line(event, false);
        if (metadata.receivedAt() != null) {
            node.put("received_at", DateTimeFormatter.ISO_INSTANT.format(metadata.receivedAt()));
        }
        if (metadata.json() != null) {
            // Written as stored: jsonb already holds it as valid JSON, and a tree of it would cost a parse.
            node.putRawValue("metadata", new RawValue(metadata.json()));
        }
        return node;
    }

    /**
     * The {@code "received_at"} and {@code "metadata"} of an import line, as {@link #line(Event, PipelineMetadata)}
     * writes them; {@link PipelineMetadata#NONE} when it has neither.
     */
    public PipelineMetadata metadata(JsonNode line) {
        String receivedAt = JsonFields.optionalText(line, "received_at");
        Instant received = null;
        if (receivedAt != null) {
            try {
                received = parseTimestamp(receivedAt);
            } catch (InvalidEventException e) {
                throw JsonFields.renamed(e, "received_at", receivedAt);
            }
        }
        JsonNode metadata = line.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw new InvalidEventException("metadata", metadata.toString(), "is not an object");
        }
        boolean none = metadata == null || metadata.isNull() || metadata.isEmpty();
        return received == null && none ? PipelineMetadata.NONE
                : new PipelineMetadata(received, none ? null : write((ObjectNode) metadata));
    }

    private ObjectNode line(Event event, boolean localOffset) {
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
        Double position = positionSeconds(event);
        if (position != null) {
            node.put("position_seconds", position);
        }
        return node;
    }

    /** The jsonb payload of the current version, stored beside the metadata columns. */
    public String payload(Event event) {
        return payload(event, CURRENT_SCHEMA_VERSION);
    }

    /**
     * The payload in the shape of {@code schemaVersion}: the current one, or 1 as rows were written before version
     * 2 (no content object, no position), to try upcasting and in-place migration on realistic data.
     */
    public String payload(Event event, int schemaVersion) {
        ObjectNode node = mapper.createObjectNode()
                .put("session_id", event.sessionId())
                .put("timezone", event.timezone())
                .put("locale", event.locale());
        if (schemaVersion == 1) {
            return write(node.put("object_uri", event.objectUri()));
        }
        if (schemaVersion != CURRENT_SCHEMA_VERSION) {
            throw new IllegalArgumentException("schema version " + schemaVersion + " cannot be written; only 1 and "
                    + CURRENT_SCHEMA_VERSION);
        }
        writeContent(node.putObject("content"), event.content());
        Double position = positionSeconds(event);
        if (position != null) {
            node.put("position_seconds", position);
        }
        return write(node);
    }

    /**
     * Whether {@code incoming} is the event {@code stored} was, as far as a payload of {@code storedVersion} can
     * tell: a re-delivery of an event stored before version 2 carries fields the stored row could not keep.
     */
    public boolean sameEvent(Event incoming, Event stored, int storedVersion) {
        int shape = storedVersion == 1 ? 1 : CURRENT_SCHEMA_VERSION;
        return incoming.eventType().equals(stored.eventType()) && incoming.userId().equals(stored.userId())
                && incoming.uniqueId().equals(stored.uniqueId()) && incoming.timestamp().equals(stored.timestamp())
                && payload(incoming, shape).equals(payload(stored, shape));
    }

    /** Rebuilds an event from its metadata columns and stored payload of any known version. */
    public Event fromStored(String eventType, int schemaVersion, UUID userId, String uniqueId, Instant timestamp,
                            String payload) {
        return fromStored(eventType, schemaVersion, userId, uniqueId, timestamp, payload.getBytes(UTF_8));
    }

    /**
     * As {@link #fromStored(String, int, UUID, String, Instant, String)}, the payload as UTF-8 bytes: as a long read
     * gets them from the database, parsed without first becoming a string.
     */
    public Event fromStored(String eventType, int schemaVersion, UUID userId, String uniqueId, Instant timestamp,
                            byte[] payload) {
        // Older versions go through the upcasters' trees once, then the one decoder of the current shape.
        byte[] current = schemaVersion == CURRENT_SCHEMA_VERSION ? payload
                : upcastPayload(eventType, schemaVersion, new String(payload, UTF_8)).getBytes(UTF_8);
        StoredPayload p = StoredPayload.read(mapper, current);
        return create(eventType, userId, uniqueId, timestamp, required("session_id", p.sessionId),
                required("timezone", p.timezone), required("locale", p.locale), p.content(), p.positionSeconds);
    }

    private static String required(String field, String value) {
        if (value == null) {
            throw new InvalidEventException(field, null, "is missing");
        }
        return value;
    }

    /** A stored payload brought to the current version, as JSON text: what an in-place migration writes back. */
    public String upcastPayload(String eventType, int schemaVersion, String payload) {
        return write(current(eventType, schemaVersion, payload));
    }

    /**
     * Parses an ISO-8601 date-time with {@code Z} or an offset, e.g. {@code 2024-03-01T07:15:00.123456+01:00},
     * from {@link #MIN_TIMESTAMP} to {@link #MAX_TIMESTAMP} once in UTC and cut to microseconds, as it is stored.
     * A time without an offset is refused: it would be read in whatever zone the server runs in.
     */
    public static Instant parseTimestamp(String value) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("timestamp", value,
                    "is not an ISO-8601 date-time with Z or an offset, e.g. 2024-03-01T07:15:00.123456Z");
        }
        Instant stored = instant.truncatedTo(ChronoUnit.MICROS);
        if (stored.isBefore(MIN_TIMESTAMP) || stored.isAfter(MAX_TIMESTAMP)) {
            throw new InvalidEventException("timestamp", value, "is " + stored + " in UTC, outside the range taken, "
                    + MIN_TIMESTAMP + " to " + MAX_TIMESTAMP);
        }
        return instant;
    }

    static void writeContent(ObjectNode node, Content content) {
        node.put("kind", content.kind())
                .put("course_id", content.courseId())
                .put("item_id", content.itemId())
                .put("single_id", content.singleId())
                .put("recording_id", content.recordingId())
                .put("object_uri", content.objectUri());
    }

    private ObjectNode current(String eventType, int schemaVersion, String payload) {
        ObjectNode object = (ObjectNode) JsonFields.readObject(mapper, payload, "payload");
        return schemaVersion == CURRENT_SCHEMA_VERSION ? object : upcasters.upcast(eventType, schemaVersion, object);
    }

    private static Double positionSeconds(Event event) {
        if (event instanceof ContentPieceCompleted completed) {
            return completed.positionSeconds();
        }
        return event instanceof ContentPieceCancelled cancelled ? cancelled.positionSeconds() : null;
    }

    /** The event of {@code type} from its fields; a position is kept only where the type has one. */
    private static Event create(String type, UUID userId, String uniqueId, Instant timestamp, String sessionId,
                                String timezone, String locale, Content content, Double positionSeconds) {
        return switch (type) {
            case "ContentPieceStarted" ->
                    new ContentPieceStarted(userId, uniqueId, sessionId, timestamp, timezone, locale, content);
            case "ContentPieceCompleted" -> new ContentPieceCompleted(userId, uniqueId, sessionId, timestamp,
                    timezone, locale, content, positionSeconds);
            case "ContentPieceCancelled" -> new ContentPieceCancelled(userId, uniqueId, sessionId, timestamp,
                    timezone, locale, content, positionSeconds);
            default -> throw new InvalidEventException("event_type", type, "is not one of " + EVENT_TYPES);
        };
    }

    private static Double optionalSeconds(JsonNode node) {
        JsonNode value = node.get("position_seconds");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidEventException("position_seconds", value.toString(), "is not a number");
        }
        return value.doubleValue();
    }

    private String write(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
