package com.sevenmind.eventstore.codec.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What is kept of a RudderStack event and its Pub/Sub push beside the stored event: everything the event's columns
 * and payload do not hold already, so that each value has one place. {@code receivedAt} goes to its own column; the
 * rest to {@code {"rudderstack":{…},"pubsub":{…}}}.
 */
final class MetadataKept {

    /** RudderStack's fields held by the columns or the payload, by path; {@code receivedAt} has a column. */
    private static final List<String> STORED_ELSEWHERE = List.of("type", "event", "userId", "messageId", "timestamp",
            "receivedAt");

    private MetadataKept() {
    }

    /**
     * @param event    a RudderStack track call, read and checked; it is not changed
     * @param envelope the push it came in, or null
     * @param held     the fields of the call's objects its event holds, as {@code EventCodec.trackFieldsHeld} says
     */
    static PipelineMetadata of(ObjectMapper mapper, JsonNode event, PubSubEnvelope envelope,
                               Map<String, List<String>> held) {
        ObjectNode rudderStack = event.deepCopy();
        Instant receivedAt = receivedAt(event);
        if (receivedAt == null && event.has("receivedAt")) {
            // Not a time we can compute with: kept as it came rather than refusing the event for it.
            STORED_ELSEWHERE.stream().filter(f -> !f.equals("receivedAt")).forEach(rudderStack::remove);
        } else {
            rudderStack.remove(STORED_ELSEWHERE);
        }
        held.forEach((name, fields) -> {
            // Checked to be objects (or absent) when the event was read.
            JsonNode inside = rudderStack.get(name);
            if (fields == null || inside == null || !inside.isObject()) {
                rudderStack.remove(name);
            } else {
                ((ObjectNode) inside).remove(fields);
                if (inside.isEmpty()) {
                    rudderStack.remove(name);
                }
            }
        });
        ObjectNode metadata = mapper.createObjectNode();
        if (!rudderStack.isEmpty()) {
            metadata.set("rudderstack", rudderStack);
        }
        if (envelope != null) {
            metadata.set("pubsub", pubSub(mapper, envelope));
        }
        if (metadata.isEmpty()) {
            return new PipelineMetadata(receivedAt, null);
        }
        try {
            return new PipelineMetadata(receivedAt, mapper.writeValueAsString(storable(metadata)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree read from JSON always serializes", e);
        }
    }

    /** RudderStack's {@code receivedAt} as a time; null when absent or not an ISO-8601 time in range. */
    private static Instant receivedAt(JsonNode event) {
        JsonNode value = event.get("receivedAt");
        if (value == null || !value.isTextual()) {
            return null;
        }
        try {
            return EventCodec.parseTimestamp(value.textValue());
        } catch (InvalidEventException e) {
            return null;
        }
    }

    private static ObjectNode pubSub(ObjectMapper mapper, PubSubEnvelope envelope) {
        ObjectNode pubSub = mapper.createObjectNode().put("messageId", envelope.messageId());
        if (envelope.publishTime() != null) {
            pubSub.put("publishTime", DateTimeFormatter.ISO_INSTANT.format(envelope.publishTime()));
        }
        if (envelope.subscription() != null) {
            pubSub.put("subscription", envelope.subscription());
        }
        if (!envelope.attributes().isEmpty()) {
            ObjectNode attributes = pubSub.putObject("attributes");
            envelope.attributes().forEach(attributes::put);
        }
        if (envelope.deliveryAttempt() != null) {
            pubSub.put("deliveryAttempt", envelope.deliveryAttempt());
        }
        if (envelope.orderingKey() != null) {
            pubSub.put("orderingKey", envelope.orderingKey());
        }
        return pubSub;
    }

    /**
     * PostgreSQL's jsonb holds no NUL character: one in a name or a string is written as the text {@code \u0000},
     * as the quarantine keeps it, rather than the event being refused for its metadata.
     */
    private static JsonNode storable(JsonNode node) {
        if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            return TextNode.valueOf(node.textValue().replace("\0", "\\u0000"));
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((ArrayNode) node).set(i, storable(node.get(i)));
            }
        } else if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (String name : new ArrayList<>(object.properties().stream().map(Map.Entry::getKey).toList())) {
                JsonNode value = storable(object.remove(name));
                object.set(name.replace("\0", "\\u0000"), value);
            }
        }
        return node;
    }
}
