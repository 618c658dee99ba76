package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventType;
import com.sevenmind.eventstore.api.InvalidEventException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A plug-in type's JSON: its record's fields as the project's mapper writes them (snake_case), in the payload, in
 * the {@code "payload"} object of an import line and in a RudderStack track call's {@code properties}. The common
 * fields ({@code user_id}, {@code unique_id}, {@code timestamp}) come from the columns, the line or the call, never
 * from those objects.
 */
final class RecordFormat implements EventFormat {

    /** The record components every event has, by their JSON names: never in a payload. */
    static final List<String> COMMON = List.of("user_id", "unique_id", "timestamp", "event_type");

    private final ObjectMapper mapper;
    private final EventType<?> type;

    RecordFormat(ObjectMapper mapper, EventType<?> type) {
        this.mapper = mapper;
        this.type = type;
    }

    @Override
    public EventType<?> type() {
        return type;
    }

    @Override
    public Event fromLine(JsonNode line, UUID userId, String uniqueId, Instant timestamp) {
        return bind(EventCodec.lineFields(line), line.has("payload") ? "payload." : "", userId, uniqueId, timestamp);
    }

    @Override
    public void writeLine(ObjectNode line, Event event, boolean localOffset) {
        EventCodec.writeCommon(line, event).set("payload", fields(event));
    }

    @Override
    public Event fromTrack(JsonNode call, UUID userId, String uniqueId, Instant timestamp) {
        return bind(EventCodec.payloadObject(call, "properties"), "properties.", userId, uniqueId, timestamp);
    }

    @Override
    public Map<String, List<String>> trackFieldsHeld() {
        List<String> held = Arrays.stream(type.recordClass().getRecordComponents())
                .map(c -> mapper.getPropertyNamingStrategy() instanceof PropertyNamingStrategies.NamingBase naming
                        ? naming.translate(c.getName()) : c.getName())
                .filter(name -> !COMMON.contains(name))
                .collect(Collectors.toList());
        return Map.of("properties", held);
    }

    @Override
    public String payload(Event event, int schemaVersion) {
        if (schemaVersion != type.schemaVersion()) {
            throw new IllegalArgumentException("schema version " + schemaVersion + " of " + type.name()
                    + " cannot be written; only " + type.schemaVersion());
        }
        return EventCodec.write(mapper, fields(event));
    }

    /** Always the whole record, whatever {@code fields} names: its constructor may require any field. */
    @Override
    public Event fromPayload(UUID userId, String uniqueId, Instant timestamp, byte[] payload, Set<String> fields) {
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        } catch (IOException e) {
            throw new InvalidEventException(null, null, "payload is not valid JSON: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidEventException(null, null, "payload is not a JSON object");
        }
        return bind(object, "", userId, uniqueId, timestamp);
    }

    /** The record's own fields, as an object: its JSON without the common ones. */
    private ObjectNode fields(Event event) {
        if (!event.eventType().equals(type.name())) {
            // Stored under the record's name, it would be read back as another type's, or as generic.
            throw new IllegalStateException(type.getClass().getName() + " names its type '" + type.name()
                    + "' but its record says '" + event.eventType() + "': override eventType() to return name()");
        }
        ObjectNode node = mapper.valueToTree(event);
        node.remove(COMMON);
        return node;
    }

    /** The record of {@code fields} and the common ones; errors name a field by {@code prefix} and its name. */
    private Event bind(ObjectNode fields, String prefix, UUID userId, String uniqueId, Instant timestamp) {
        ObjectNode all = fields.deepCopy();
        all.remove(COMMON);
        all.put("user_id", userId.toString()).put("unique_id", uniqueId)
                .put("timestamp", DateTimeFormatter.ISO_INSTANT.format(timestamp));
        try {
            return mapper.treeToValue(all, type.recordClass());
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof InvalidEventException invalid) {
                throw invalid.field() == null || COMMON.contains(invalid.field()) ? invalid
                        : JsonFields.renamed(invalid, prefix + invalid.field(), value(fields, invalid.field()));
            }
            throw new InvalidEventException(null, null, type.name() + " is refused by its record: "
                    + JsonFields.reason(e));
        } catch (JsonMappingException e) {
            String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : Integer.toString(r.getIndex())).collect(Collectors.joining("."));
            JsonNode value = path.isEmpty() ? null : fields.at("/" + path.replace('.', '/'));
            throw new InvalidEventException(path.isEmpty() ? null : prefix + path,
                    value == null || value.isMissingNode() ? null : value.toString(),
                    "is not what " + type.name() + " takes: " + JsonFields.reason(e));
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(null, null, JsonFields.reason(e));
        }
    }

    private static String value(ObjectNode fields, String field) {
        JsonNode value = fields.get(field);
        return value == null || value.isNull() ? null : value.isTextual() ? value.textValue() : value.toString();
    }
}
