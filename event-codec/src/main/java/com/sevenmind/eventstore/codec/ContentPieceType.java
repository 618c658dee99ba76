package com.sevenmind.eventstore.codec;

import static com.sevenmind.eventstore.codec.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventType;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Upcaster;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One of the three built-in Content Piece types, registered as any other type and bringing its own JSON: a flat
 * import line ({@code "session_id","timestamp","timezone","locale","object_uri"}, an optional
 * {@code "position_seconds"} on Completed and Cancelled), RudderStack's {@code context.timezone},
 * {@code context.locale} and {@code properties}, and a payload read with the streaming parser (a long read decodes
 * every one). Version 2, written today: {@code {"session_id","timezone","locale","content":{"kind","course_id",
 * "item_id","single_id","recording_id","object_uri"},"position_seconds"}}; version 1 had {@code "object_uri"} where
 * version 2 has {@code "content"}, and no position ({@link ContentUpcaster}).
 */
final class ContentPieceType<E extends Record & ContentPieceEvent> implements EventType<E>, EventFormat {

    /** The three, in the order the codec lists them. */
    static List<ContentPieceType<?>> all(ObjectMapper mapper) {
        return List.of(new ContentPieceType<>(mapper, ContentPieceStarted.class, "Content Piece Started"),
                new ContentPieceType<>(mapper, ContentPieceCompleted.class, "Content Piece Completed"),
                new ContentPieceType<>(mapper, ContentPieceCancelled.class, "Content Piece Cancelled"));
    }

    private final ObjectMapper mapper;
    private final Class<E> recordClass;
    private final String trackName;
    private final boolean hasPosition;

    private ContentPieceType(ObjectMapper mapper, Class<E> recordClass, String trackName) {
        this.mapper = mapper;
        this.recordClass = recordClass;
        this.trackName = trackName;
        this.hasPosition = recordClass != ContentPieceStarted.class;
    }

    @Override
    public Class<E> recordClass() {
        return recordClass;
    }

    @Override
    public Set<String> trackNames() {
        return Set.of(trackName);
    }

    @Override
    public int schemaVersion() {
        return 2;
    }

    @Override
    public List<Upcaster> upcasters() {
        return List.of(new ContentUpcaster(name()));
    }

    @Override
    public EventType<?> type() {
        return this;
    }

    @Override
    public Event fromLine(JsonNode node, UUID userId, String uniqueId, Instant timestamp) {
        return create(userId, uniqueId, timestamp, text(node, "session_id"), text(node, "timezone"),
                text(node, "locale"), Content.parse(text(node, "object_uri")), hasPosition ? seconds(node,
                        "position_seconds") : null);
    }

    @Override
    public void writeLine(ObjectNode node, Event e, boolean localOffset) {
        ContentPieceEvent event = (ContentPieceEvent) e;
        String timestamp = localOffset
                ? DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.timestamp().atZone(ZoneId.of(event.timezone())))
                : DateTimeFormatter.ISO_INSTANT.format(event.timestamp());
        node.put("unique_id", event.uniqueId())
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
    }

    @Override
    public Event fromTrack(JsonNode call, UUID userId, String uniqueId, Instant timestamp) {
        JsonNode context = JsonFields.object(call, "context");
        String timezone = text(context, "context.timezone");
        String locale = text(context, "context.locale");
        JsonNode properties = JsonFields.object(call, "properties");
        String sessionId = text(properties, "properties.session_id");
        String objectUri = text(properties, "properties.object_uri");
        Double position = hasPosition ? seconds(properties, "properties.position_seconds") : null;
        // The records check blank fields, time zones and positions under our field names; each is renamed to the
        // RudderStack path it came from, with the value the check saw.
        Map<String, Source> sources = Map.of(
                "session_id", new Source("properties.session_id", sessionId),
                "timezone", new Source("context.timezone", timezone),
                "locale", new Source("context.locale", locale),
                "object_uri", new Source("properties.object_uri", objectUri),
                "position_seconds", new Source("properties.position_seconds", Objects.toString(position, null)));
        try {
            return create(userId, uniqueId, timestamp, sessionId, timezone, locale, Content.parse(objectUri),
                    position);
        } catch (InvalidEventException e) {
            // Map.of refuses to look up null, the field of a complaint about the whole input.
            Source source = e.field() == null ? null : sources.get(e.field());
            throw source == null ? e : JsonFields.renamed(e, source.path(), source.value());
        }
    }

    /** Where a field handed to the records came from: its RudderStack path and the value read there. */
    private record Source(String path, String value) {
    }

    @Override
    public Map<String, List<String>> trackFieldsHeld() {
        return Map.of("context", List.of("timezone", "locale"),
                "properties", List.of("session_id", "object_uri", "position_seconds"));
    }

    @Override
    public String payload(Event e, int schemaVersion) {
        ContentPieceEvent event = (ContentPieceEvent) e;
        ObjectNode node = mapper.createObjectNode()
                .put("session_id", event.sessionId())
                .put("timezone", event.timezone())
                .put("locale", event.locale());
        if (schemaVersion == 1) {
            return EventCodec.write(mapper, node.put("object_uri", event.objectUri()));
        }
        if (schemaVersion != schemaVersion()) {
            throw new IllegalArgumentException("schema version " + schemaVersion + " of " + name() + " cannot be "
                    + "written; only 1 and " + schemaVersion());
        }
        writeContent(node.putObject("content"), event.content());
        Double position = positionSeconds(event);
        if (position != null) {
            node.put("position_seconds", position);
        }
        return EventCodec.write(mapper, node);
    }

    @Override
    public Event fromPayload(UUID userId, String uniqueId, Instant timestamp, byte[] payload, Set<String> fields) {
        StoredPayload p = StoredPayload.read(mapper, payload, fields);
        return create(userId, uniqueId, timestamp, required("session_id", p.sessionId),
                required("timezone", p.timezone), required("locale", p.locale), p.content(), p.positionSeconds);
    }

    /**
     * The current payload's fields, by path, that {@link #fromSelected} takes: the first five always (the records
     * require them), the others when a read names them.
     */
    static final List<String> PATHS = List.of("session_id", "timezone", "locale", "content.kind",
            "content.object_uri", "content.course_id", "content.item_id", "content.single_id", "content.recording_id",
            "position_seconds");
    private static final int REQUIRED = 5;

    /** Of {@link #PATHS}, those a read of {@code fields} (empty: all) selects, in that order. */
    static List<String> selectedPaths(Set<String> fields) {
        List<String> selected = new ArrayList<>(PATHS.subList(0, REQUIRED));
        for (String path : PATHS.subList(REQUIRED, PATHS.size())) {
            int dot = path.indexOf('.');
            if (PayloadFields.named(fields, dot < 0 ? null : path.substring(0, dot), path)) {
                selected.add(path);
            }
        }
        return List.copyOf(selected);
    }

    /**
     * The event from its current payload's fields as text (see {@link PayloadSelection}): {@code slots[i]} is
     * where {@link #PATHS}' i-th is in {@code values}, -1 when not selected. As {@link #fromPayload} reads them:
     * a required field null is missing, an optional one none.
     */
    Event fromSelected(UUID userId, String uniqueId, Instant timestamp, int[] slots, String[] values) {
        String position = value(slots, values, 9);
        Double seconds;
        try {
            seconds = position == null ? null : Double.valueOf(position);
        } catch (NumberFormatException e) {
            throw new InvalidEventException("position_seconds", position, "is not a number");
        }
        String kind = required("content.kind", value(slots, values, 3));
        String objectUri = required("object_uri", value(slots, values, 4));
        return create(userId, uniqueId, timestamp, required("session_id", value(slots, values, 0)),
                required("timezone", value(slots, values, 1)), required("locale", value(slots, values, 2)),
                new Content(kind, value(slots, values, 5), value(slots, values, 6), value(slots, values, 7),
                        value(slots, values, 8), objectUri), seconds);
    }

    private static String value(int[] slots, String[] values, int path) {
        return slots[path] < 0 ? null : values[slots[path]];
    }

    static void writeContent(ObjectNode node, Content content) {
        node.put("kind", content.kind())
                .put("course_id", content.courseId())
                .put("item_id", content.itemId())
                .put("single_id", content.singleId())
                .put("recording_id", content.recordingId())
                .put("object_uri", content.objectUri());
    }

    private static String required(String field, String value) {
        if (value == null) {
            throw new InvalidEventException(field, null, "is missing");
        }
        return value;
    }

    private static Double positionSeconds(Event event) {
        if (event instanceof ContentPieceCompleted completed) {
            return completed.positionSeconds();
        }
        return event instanceof ContentPieceCancelled cancelled ? cancelled.positionSeconds() : null;
    }

    /** The event of this type from its fields; a position is kept only where the type has one. */
    private Event create(UUID userId, String uniqueId, Instant timestamp, String sessionId, String timezone,
                         String locale, Content content, Double positionSeconds) {
        if (recordClass == ContentPieceStarted.class) {
            return new ContentPieceStarted(userId, uniqueId, sessionId, timestamp, timezone, locale, content);
        }
        return recordClass == ContentPieceCompleted.class
                ? new ContentPieceCompleted(userId, uniqueId, sessionId, timestamp, timezone, locale, content,
                        positionSeconds)
                : new ContentPieceCancelled(userId, uniqueId, sessionId, timestamp, timezone, locale, content,
                        positionSeconds);
    }

    /** The optional position at {@code path}: absent or null is none; anything but a number is refused. */
    private static Double seconds(JsonNode parent, String path) {
        JsonNode value = parent.get(path.substring(path.lastIndexOf('.') + 1));
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidEventException(path, value.toString(), "is not a number");
        }
        return value.doubleValue();
    }
}
