package com.sevenmind.eventstore.codec;

import static com.sevenmind.eventstore.codec.JsonFields.text;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventType;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Upcaster;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The one place that knows how events look as JSON: the import line format and the stored payload, of every type and
 * schema version. Each registered {@link EventType} brings its format (the built-in Content Piece types their own, a
 * plug-in type its record's); an event of any other type is a {@link GenericEvent}.
 *
 * <p>An import line holds {@code "event_type","unique_id","user_id","timestamp"}; a Content Piece line its fields
 * beside them ({@link ContentPieceType}), any other line its fields in a {@code "payload"} object (a line read
 * without one: every field beside the common ones), and a generic event stored in a version other than 1 its
 * {@code "schema_version"}. The stored payload holds only what has no
 * column. Older payloads are brought up to date by {@link Upcaster}s while they are read.
 *
 * <p>Over 300 lines on purpose: it is the one place that knows the events' JSON, in every format, and much of it is
 * the javadoc of its public methods, which the build requires.
 */
public final class EventCodec {

    /** The schema version the Content Piece types write and read today: their payloads' current shape. */
    public static final int CURRENT_SCHEMA_VERSION = 2;

    /** The largest payload stored, in UTF-8 bytes: the largest input the store takes (a line, a request body). */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;

    /**
     * The first and last timestamps taken, in UTC: the years 1 to 9999 that ISO-8601 writes in four digits.
     * PostgreSQL refuses some times outside them, and a refused event used to stop ingestion.
     */
    public static final Instant MIN_TIMESTAMP = Instant.parse("0001-01-01T00:00:00Z");
    /** The last timestamp taken, see {@link #MIN_TIMESTAMP}. */
    public static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999999Z");

    private final ObjectMapper mapper;
    private final List<ContentPieceType<?>> contentPieces;
    private final Upcasters upcasters;
    /** By stored name and by track name. */
    private final Map<String, EventFormat> byName = new HashMap<>();
    private final Map<Class<?>, EventFormat> byClass = new HashMap<>();
    private final List<String> registered = new ArrayList<>();

    /**
     * A codec of the built-in types, with their upcasters.
     *
     * @param mapper the project's mapper ({@code Json.newObjectMapper()})
     */
    public EventCodec(ObjectMapper mapper) {
        this(mapper, List.of(), List.of());
    }

    /**
     * A codec of the built-in types with the given upcasters too.
     *
     * @param mapper    the project's mapper
     * @param upcasters upcasters found on the class path, say
     */
    public EventCodec(ObjectMapper mapper, List<Upcaster> upcasters) {
        this(mapper, upcasters, List.of());
    }

    /**
     * A codec of the built-in types and the given ones, with the given upcasters and the types' own.
     *
     * @param mapper     the project's mapper
     * @param upcasters  upcasters found on the class path, say
     * @param eventTypes event types found on the class path, say
     * @throws IllegalStateException when two types claim one name
     */
    public EventCodec(ObjectMapper mapper, List<Upcaster> upcasters, List<EventType<?>> eventTypes) {
        this.mapper = mapper;
        this.contentPieces = ContentPieceType.all(mapper);
        List<EventFormat> formats = new ArrayList<>(contentPieces);
        eventTypes.forEach(t -> formats.add(new RecordFormat(mapper, t)));
        List<Upcaster> all = new ArrayList<>();
        for (EventFormat f : formats) {
            EventType<?> type = f.type();
            GenericEvent.requireTypeName(type.name());
            registered.add(type.name());
            byClass.put(type.recordClass(), f);
            List<String> names = new ArrayList<>(type.trackNames());
            names.add(type.name());
            for (String name : names) {
                EventFormat clash = byName.putIfAbsent(name, f);
                if (clash != null && clash != f) {
                    throw new IllegalStateException("two event types claim the name '" + name + "': "
                            + clash.type().getClass().getName() + " and " + type.getClass().getName()
                            + "; remove one of the jars from the classpath");
                }
            }
            all.addAll(type.upcasters());
        }
        all.addAll(upcasters);
        this.upcasters = new Upcasters(all);
    }

    /**
     * What a read of a few named payload fields takes from the database as text instead of the payload, for the
     * types whose shape the codec knows ({@link PayloadSelection}).
     *
     * @param fields the fields named, as {@code Projection.payloadFields()} names them; not empty
     * @return the selection
     */
    public PayloadSelection selection(Set<String> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a selection names its fields; an empty set is all of them");
        }
        return new PayloadSelection(contentPieces, fields);
    }

    /**
     * Whether {@code eventType} has a registered record here; events of other types are read as {@link GenericEvent}.
     *
     * @param eventType a stored type name
     * @return true when registered, by its stored name or a track name
     */
    public boolean knows(String eventType) {
        return byName.containsKey(eventType);
    }

    /**
     * The stored names of the registered types, built-in first.
     *
     * @return the names
     */
    public List<String> eventTypes() {
        return List.copyOf(registered);
    }

    /**
     * The name a type is known by: a registered type's stored name for any of its names (rows stored under a track
     * name before the type was registered), any other name as it is.
     *
     * @param eventType a name as stored
     * @return the type's name
     */
    public String typeName(String eventType) {
        EventFormat format = byName.get(eventType);
        return format == null ? eventType : format.type().name();
    }

    /**
     * Every name a registered type is stored under (stored names and track names), with the type's current version.
     *
     * @return the versions by name
     */
    public Map<String, Integer> currentVersions() {
        Map<String, Integer> versions = new java.util.TreeMap<>();
        byName.forEach((name, format) -> versions.put(name, format.type().schemaVersion()));
        return versions;
    }

    /**
     * The version of the payload's shape a type is read as: a registered type's current one; 1 for any other.
     *
     * @param eventType a name as stored
     * @return the version
     */
    public int currentVersion(String eventType) {
        EventFormat format = byName.get(eventType);
        return format == null ? 1 : format.type().schemaVersion();
    }

    /**
     * Parses one line of the import format.
     *
     * @param line the line
     * @return the event
     * @throws InvalidEventException naming the field at fault
     */
    public Event parseLine(String line) {
        return parse(JsonFields.readObject(mapper, line));
    }

    /**
     * As {@link #parseLine(String)}, the line read already.
     *
     * @param node the line as JSON
     * @return the event
     */
    public Event parse(JsonNode node) {
        String type = GenericEvent.requireTypeName(text(node, "event_type"));
        UUID userId = JsonFields.uuid(text(node, "user_id"), "user_id");
        Instant timestamp = parseTimestamp(text(node, "timestamp"));
        String uniqueId = text(node, "unique_id");
        EventFormat format = byName.get(type);
        if (format != null) {
            return checked(format.fromLine(node, userId, uniqueId, timestamp));
        }
        JsonNode version = node.get("schema_version");
        if (version != null && !version.isNull() && !version.canConvertToExactIntegral()) {
            throw new InvalidEventException("schema_version", version.toString(), "is not a whole number");
        }
        return checked(new GenericEvent(type, userId, uniqueId, timestamp,
                version == null || version.isNull() ? 1 : version.intValue(), lineFields(node)));
    }

    /**
     * The event of a RudderStack track call named {@code name}: of the registered type with that stored or track
     * name, else a {@link GenericEvent} under the name as sent, its {@code properties} the payload.
     *
     * @param name      the call's {@code event}
     * @param call      the call
     * @param userId    its user, read already
     * @param uniqueId  its unique id, read already
     * @param timestamp its time, read already
     * @return the event
     * @throws InvalidEventException naming the field at fault by its RudderStack path
     */
    public Event fromTrack(String name, JsonNode call, UUID userId, String uniqueId, Instant timestamp) {
        EventFormat format = byName.get(name);
        if (format != null) {
            return checked(format.fromTrack(call, userId, uniqueId, timestamp));
        }
        try {
            GenericEvent.requireTypeName(name);
        } catch (InvalidEventException e) {
            throw JsonFields.renamed(e, "event", name.replaceAll("\\p{Cntrl}", "?"));
        }
        return checked(new GenericEvent(name, userId, uniqueId, timestamp, 1, payloadObject(call, "properties")));
    }

    /**
     * The fields of a track call named {@code name} that its event holds, by object; a null list for the whole
     * object. What is left of the call is kept beside the event as its metadata.
     *
     * @param name the call's {@code event}
     * @return the fields held
     */
    public Map<String, List<String>> trackFieldsHeld(String name) {
        EventFormat format = byName.get(name);
        if (format != null) {
            return format.trackFieldsHeld();
        }
        Map<String, List<String>> whole = new LinkedHashMap<>();
        whole.put("properties", null);
        return whole;
    }

    /**
     * The event as one line of the import format, its timestamp in UTC ({@code …Z}) or, with {@code localOffset},
     * with the offset of the event's own time zone where it has one ({@code …+02:00}), as some senders write it.
     *
     * @param event       the event
     * @param localOffset whether to write the time at the event's own offset
     * @return the line
     */
    public String toLine(Event event, boolean localOffset) {
        return write(mapper, line(event, localOffset));
    }

    /**
     * The event as a line of the import format with what the pipeline said about it: {@code "received_at"} and
     * {@code "metadata"} after the event's fields, each when known, so that an import of the line keeps them.
     *
     * @param event    the event
     * @param metadata what the pipeline said of it
     * @return the line as JSON
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
     * writes them.
     *
     * @param line the line as JSON
     * @return its metadata; {@link PipelineMetadata#NONE} when it has neither
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
                : new PipelineMetadata(received, none ? null : write(mapper, (ObjectNode) metadata));
    }

    private ObjectNode line(Event event, boolean localOffset) {
        ObjectNode node = mapper.createObjectNode().put("event_type", event.eventType());
        EventFormat format = byClass.get(event.getClass());
        if (format != null) {
            format.writeLine(node, event, localOffset);
        } else if (event instanceof GenericEvent generic) {
            writeCommon(node, event);
            if (generic.schemaVersion() != 1) {
                node.put("schema_version", generic.schemaVersion());
            }
            node.set("payload", generic.payload());
        } else {
            throw unregistered(event);
        }
        return node;
    }

    /**
     * The jsonb payload of the event's current version, stored beside the metadata columns.
     *
     * @param event the event
     * @return the payload as JSON text
     */
    public String payload(Event event) {
        return payload(event, CURRENT_SCHEMA_VERSION);
    }

    /**
     * The payload in the shape of {@code schemaVersion}: {@link #CURRENT_SCHEMA_VERSION} for the event's current
     * one, whatever its type; 1 for a Content Piece event as rows were written before version 2 (no content object,
     * no position), to try upcasting and in-place migration on realistic data.
     *
     * @param event         the event
     * @param schemaVersion the shape
     * @return the payload as JSON text
     */
    public String payload(Event event, int schemaVersion) {
        if (event instanceof GenericEvent generic) {
            return write(mapper, generic.payload());
        }
        EventFormat format = format(event);
        return format.payload(event, writtenVersion(format, schemaVersion));
    }

    /**
     * The version a payload of {@link #payload(Event, int)} is stored under.
     *
     * @param event         the event
     * @param schemaVersion the shape asked for
     * @return the version of the row
     */
    public int storedVersion(Event event, int schemaVersion) {
        return event instanceof GenericEvent generic ? generic.schemaVersion()
                : writtenVersion(format(event), schemaVersion);
    }

    private static int writtenVersion(EventFormat format, int schemaVersion) {
        return schemaVersion == CURRENT_SCHEMA_VERSION ? format.type().schemaVersion() : schemaVersion;
    }

    /**
     * Whether {@code incoming} is the event {@code stored} was, as far as a payload of {@code storedVersion} can
     * tell: a re-delivery of an event stored in an older version carries fields the stored row could not keep.
     *
     * @param incoming      an event being appended
     * @param stored        the event stored under its key, read back
     * @param storedVersion the version of the stored row
     * @return true for the same event
     */
    public boolean sameEvent(Event incoming, Event stored, int storedVersion) {
        if (!incoming.eventType().equals(stored.eventType()) || !incoming.userId().equals(stored.userId())
                || !incoming.uniqueId().equals(stored.uniqueId()) || !incoming.timestamp().equals(stored.timestamp())) {
            return false;
        }
        if (incoming instanceof GenericEvent a && stored instanceof GenericEvent b) {
            return a.payload().equals(b.payload());
        }
        int shape = storedVersion;
        try {
            return payload(incoming, shape).equals(payload(stored, shape));
        } catch (IllegalArgumentException e) {
            // The type cannot write that version: compare in its current one.
            return payload(incoming).equals(payload(stored));
        }
    }

    /**
     * Rebuilds an event from its metadata columns and stored payload of any known version.
     *
     * @param eventType     the stored type name
     * @param schemaVersion the stored version
     * @param userId        the user
     * @param uniqueId      the unique id
     * @param timestamp     the time
     * @param payload       the stored payload
     * @return the event: its type's record, or a {@link GenericEvent}
     */
    public Event fromStored(String eventType, int schemaVersion, UUID userId, String uniqueId, Instant timestamp,
                            String payload) {
        return fromStored(eventType, schemaVersion, userId, uniqueId, timestamp, payload.getBytes(UTF_8));
    }

    /**
     * As {@link #fromStored(String, int, UUID, String, Instant, String)}, the payload as UTF-8 bytes: as a long read
     * gets them from the database, parsed without first becoming a string.
     *
     * @param eventType     the stored type name
     * @param schemaVersion the stored version
     * @param userId        the user
     * @param uniqueId      the unique id
     * @param timestamp     the time
     * @param payload       the stored payload, UTF-8
     * @return the event
     */
    public Event fromStored(String eventType, int schemaVersion, UUID userId, String uniqueId, Instant timestamp,
                            byte[] payload) {
        return fromStored(eventType, schemaVersion, userId, uniqueId, timestamp, payload, Set.of());
    }

    /**
     * As {@link #fromStored(String, int, UUID, String, Instant, byte[])}, decoding only the payload fields a read's
     * projections name ({@code Projection.payloadFields()}, which says what the event then holds) and skipping the
     * rest: a Content Piece event has its required fields and the named ones, a generic event's payload the named
     * ones, a plug-in type's record all of them. An older version is upcast whole first: an upcaster may need any
     * field.
     *
     * @param eventType     the stored type name
     * @param schemaVersion the stored version
     * @param userId        the user
     * @param uniqueId      the unique id
     * @param timestamp     the time
     * @param payload       the stored payload, UTF-8
     * @param fields        the fields to decode; empty for all
     * @return the event
     */
    public Event fromStored(String eventType, int schemaVersion, UUID userId, String uniqueId, Instant timestamp,
                            byte[] payload, Set<String> fields) {
        EventFormat format = byName.get(eventType);
        if (format == null) {
            return new GenericEvent(eventType, userId, uniqueId, timestamp, schemaVersion, fields.isEmpty()
                    ? (ObjectNode) JsonFields.readObject(mapper, new String(payload, UTF_8), "payload")
                    : PayloadFields.select(mapper, payload, fields));
        }
        // Older versions go through the upcasters' trees once, then the one decoder of the current shape.
        byte[] current = schemaVersion == format.type().schemaVersion() ? payload
                : upcastPayload(eventType, schemaVersion, new String(payload, UTF_8)).getBytes(UTF_8);
        return format.fromPayload(userId, uniqueId, timestamp, current, fields);
    }

    /**
     * A stored payload brought to its type's current version: what an in-place migration writes back.
     *
     * @param eventType     the stored type name
     * @param schemaVersion the stored version
     * @param payload       the stored payload
     * @return the payload of the current version, as JSON text
     */
    public String upcastPayload(String eventType, int schemaVersion, String payload) {
        ObjectNode object = (ObjectNode) JsonFields.readObject(mapper, payload, "payload");
        int current = currentVersion(eventType);
        return write(mapper, schemaVersion == current ? object
                : upcasters.upcast(typeName(eventType), schemaVersion, current, object));
    }

    /**
     * Parses an ISO-8601 date-time with {@code Z} or an offset, e.g. {@code 2024-03-01T07:15:00.123456+01:00},
     * from {@link #MIN_TIMESTAMP} to {@link #MAX_TIMESTAMP} once in UTC and cut to microseconds, as it is stored.
     * A time without an offset is refused: it would be read in whatever zone the server runs in.
     *
     * @param value the text
     * @return the time, not yet cut
     * @throws InvalidEventException naming the timestamp
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

    /** An event's payload within {@link #MAX_PAYLOAD_BYTES}: checked where an event comes in. */
    private Event checked(Event event) {
        if (!(byClass.get(event.getClass()) instanceof ContentPieceType<?>)) {
            int bytes = payload(event).getBytes(UTF_8).length;
            if (bytes > MAX_PAYLOAD_BYTES) {
                throw new InvalidEventException("payload", null, "is " + bytes + " bytes of JSON, over the limit of "
                        + MAX_PAYLOAD_BYTES + " bytes");
            }
        }
        return event;
    }

    private EventFormat format(Event event) {
        EventFormat format = byClass.get(event.getClass());
        if (format == null) {
            throw unregistered(event);
        }
        return format;
    }

    private static IllegalArgumentException unregistered(Event event) {
        return new IllegalArgumentException(event.getClass().getName() + " is not the record of a registered event "
                + "type; register its EventType, or store it as a GenericEvent");
    }

    /** The user, unique id and time of a line, in that order, the time in UTC. */
    static ObjectNode writeCommon(ObjectNode line, Event event) {
        return line.put("unique_id", event.uniqueId())
                .put("user_id", event.userId().toString())
                .put("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.timestamp()));
    }

    /** What a line holds beside the common fields and the metadata. */
    private static final List<String> LINE_RESERVED = List.of("event_type", "unique_id", "user_id", "timestamp",
            "schema_version", "received_at", "metadata");

    /**
     * The fields of an event of a line other than a Content Piece one: its {@code "payload"} object, as export writes
     * it; or, in a line without one, every field beside the common ones and the metadata.
     */
    static ObjectNode lineFields(JsonNode line) {
        if (line.has("payload")) {
            return payloadObject(line, "payload");
        }
        ObjectNode fields = ((ObjectNode) line).deepCopy();
        fields.remove(LINE_RESERVED);
        return fields;
    }

    /** The object at {@code field} of {@code parent}: empty when absent or null, refused when not an object. */
    static ObjectNode payloadObject(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return ((ObjectNode) parent).objectNode();
        }
        if (!value.isObject()) {
            throw new InvalidEventException(field, value.toString(), "is not an object");
        }
        return (ObjectNode) value;
    }

    static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
