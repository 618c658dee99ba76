package com.sevenmind.eventstore.codec.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.JsonFields;
import com.sevenmind.eventstore.codec.Utf8;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The body of a Google Cloud Pub/Sub push request, unwrapped:
 * {@code {"message":{"data":"<base64>","messageId":"…","publishTime":"…","attributes":{…},"orderingKey":"…"},
 * "subscription":"…","deliveryAttempt":N}}. Pushes repeat the names in snake_case ({@code message_id},
 * {@code publish_time}, …); either spelling is read.
 *
 * @param messageId    the id Pub/Sub gave the message (a redelivery carries the same one): the unique id of an
 *                     event without a RudderStack messageId
 * @param data         the message data, base64-decoded, as UTF-8 text (for us: one RudderStack event as JSON)
 * @param publishTime  when Pub/Sub accepted the message; null when the push did not say
 * @param attributes   the message attributes, empty when there are none
 * @param subscription the subscription that pushed, {@code projects/…/subscriptions/…}; null when not given
 * @param deliveryAttempt how often Pub/Sub has tried to deliver the message, counting this push; only given by a
 *                     subscription with a dead-letter policy, else null
 * @param orderingKey  the message's ordering key; null when it has none
 */
public record PubSubEnvelope(String messageId, String data, Instant publishTime, Map<String, String> attributes,
                             String subscription, Integer deliveryAttempt, String orderingKey) {

    /**
     * Checks the id and the data are there.
     *
     * @param messageId       the message's id
     * @param data            the decoded data
     * @param publishTime     when it was published, or null
     * @param attributes      its attributes; null for none
     * @param subscription    the subscription, or null
     * @param deliveryAttempt the delivery attempt, or null
     * @param orderingKey     the ordering key, or null
     */
    public PubSubEnvelope {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(data, "data");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /**
     * Parses a push request body.
     *
     * @param mapper the project's mapper
     * @param body   the request body
     * @return the envelope
     * @throws InvalidEventException if the body is not a JSON object, or {@code message}, its id or its data is
     *                               missing or invalid
     */
    public static PubSubEnvelope parse(ObjectMapper mapper, String body) {
        return parse(JsonFields.readObject(mapper, body));
    }

    /**
     * As {@link #parse(ObjectMapper, String)}, the body already read as a JSON object.
     *
     * @param root the request body
     * @return the envelope
     * @throws InvalidEventException if {@code message}, its id or its data is missing or invalid
     */
    public static PubSubEnvelope parse(JsonNode root) {
        JsonNode message = JsonFields.object(root, "message");
        String messageId = JsonFields.optionalText(message, "message.messageId");
        if (messageId == null) {
            messageId = JsonFields.optionalText(message, "message.message_id");
        }
        if (messageId == null) {
            throw new InvalidEventException("message.messageId", null, "is missing");
        }
        String orderingKey = JsonFields.optionalText(message, "message.orderingKey");
        if (orderingKey == null) {
            orderingKey = JsonFields.optionalText(message, "message.ordering_key");
        }
        return new PubSubEnvelope(messageId, data(JsonFields.text(message, "message.data")), publishTime(message),
                attributes(message), JsonFields.optionalText(root, "subscription"), deliveryAttempt(root),
                orderingKey == null || orderingKey.isEmpty() ? null : orderingKey);
    }

    private static Integer deliveryAttempt(JsonNode root) {
        String path = root.has("deliveryAttempt") ? "deliveryAttempt" : "delivery_attempt";
        JsonNode value = root.get(path);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1) {
            throw new InvalidEventException(path, value.toString(), "is not a whole number from 1");
        }
        return value.intValue();
    }

    private static String data(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            // The data is the whole event and may be long; the problem says enough.
            throw new InvalidEventException("message.data", null, "is not valid base64");
        }
        // Strict decoding: a lenient one would swap bad bytes for U+FFFD and store a corrupted event.
        Utf8.Decoded text = new Utf8().decode(bytes);
        if (!text.valid()) {
            throw new InvalidEventException("message.data", null, "is not UTF-8 text: " + Utf8.problem(text.invalidAt())
                    + " of its decoded bytes");
        }
        return text.text();
    }

    private static Instant publishTime(JsonNode message) {
        String path = message.has("publishTime") ? "message.publishTime" : "message.publish_time";
        String value = JsonFields.optionalText(message, path);
        try {
            return value == null ? null : EventCodec.parseTimestamp(value);
        } catch (InvalidEventException e) {
            throw JsonFields.renamed(e, path, value);
        }
    }

    private static Map<String, String> attributes(JsonNode message) {
        JsonNode node = message.get("attributes");
        Map<String, String> attributes = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return attributes;
        }
        if (!node.isObject()) {
            throw new InvalidEventException("message.attributes", node.toString(), "is not an object");
        }
        // Not through JsonFields.text: attribute names may hold dots, which it reads as path separators.
        for (Map.Entry<String, JsonNode> attribute : node.properties()) {
            if (!attribute.getValue().isTextual()) {
                throw new InvalidEventException("message.attributes." + attribute.getKey(),
                        attribute.getValue().toString(), "is not a string");
            }
            attributes.put(attribute.getKey(), attribute.getValue().textValue());
        }
        return attributes;
    }
}
