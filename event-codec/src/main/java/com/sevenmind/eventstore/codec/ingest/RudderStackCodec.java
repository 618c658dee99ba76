package com.sevenmind.eventstore.codec.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.JsonFields;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads one RudderStack event, as found on a line of a JSON Lines export or in the data of a Pub/Sub message, into
 * one of our {@link Event}s.
 *
 * <p>Only {@code track} calls named {@code Content Piece Started}, {@code Content Piece Completed} or
 * {@code Content Piece Cancelled} become events; every other call is {@link Skipped}, since the same stream carries
 * all of the app's analytics. The fields read:
 * <ul>
 *   <li>{@code userId} → user id (a canonical UUID; an event with only an {@code anonymousId} cannot be stored and
 *       is refused as {@code anonymous event: no userId (anonymousId '…')});</li>
 *   <li>{@code messageId} → unique id: RudderStack keeps it across its own retries, so one event has one id
 *       whichever way it came (a push, an import) and however often it was published; only an event without one
 *       takes the caller's fallback (the Pub/Sub message id);</li>
 *   <li>{@code timestamp} → timestamp: RudderStack's time corrected for the device's clock skew, not
 *       {@code originalTimestamp}, the device's own clock;</li>
 *   <li>{@code context.timezone}, {@code context.locale} → time zone and locale;</li>
 *   <li>{@code properties.session_id}, {@code properties.object_uri} and, on Completed and Cancelled, the optional
 *       {@code properties.position_seconds}.</li>
 * </ul>
 * Everything else ({@code receivedAt}, {@code anonymousId}, {@code sentAt}, {@code context.app}, …) is kept beside
 * the event as its {@link PipelineMetadata}, with the Pub/Sub push's own fields when it came in one. A
 * Content Piece event that breaks these rules throws {@link InvalidEventException} naming the field by its RudderStack
 * path, e.g. {@code field context.timezone is missing}.
 */
public final class RudderStackCodec {

    /** The track event names we store, and the event each becomes. */
    private static final Map<String, String> EVENT_NAMES = Map.of(
            "Content Piece Started", "ContentPieceStarted",
            "Content Piece Completed", "ContentPieceCompleted",
            "Content Piece Cancelled", "ContentPieceCancelled");

    private final ObjectMapper mapper;

    public RudderStackCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** What became of one RudderStack event. */
    public sealed interface Parsed permits Accepted, Skipped {
    }

    /** A Content Piece event, to be stored, with what the pipeline said about it. */
    public record Accepted(Event event, PipelineMetadata metadata) implements Parsed {
        public Accepted {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    /** A well-formed call that is not ours to store, with why (e.g. {@code type identify is not a track call}). */
    public record Skipped(String reason) implements Parsed {
        public Skipped {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Parses one RudderStack event.
     *
     * @param json             the event as JSON text
     * @param fallbackUniqueId the unique id to store when the event has no {@code messageId}, e.g. the Pub/Sub message
     *                         id; null when {@code messageId} must be present
     * @throws InvalidEventException if the text is not a JSON object, or a Content Piece event lacks a field or
     *                               holds an invalid one
     */
    public Parsed parse(String json, String fallbackUniqueId) {
        return parse(json, fallbackUniqueId, null);
    }

    /**
     * Parses the RudderStack event in a Pub/Sub push: its message id is the unique id of an event without a
     * {@code messageId}, and the push's fields are kept in the metadata.
     */
    public Parsed parse(PubSubEnvelope envelope) {
        return parse(envelope.data(), envelope.messageId(), envelope);
    }

    private Parsed parse(String json, String fallbackUniqueId, PubSubEnvelope envelope) {
        JsonNode node = JsonFields.readObject(mapper, json);
        String type = JsonFields.text(node, "type");
        if (!type.equals("track")) {
            return new Skipped("type " + type + " is not a track call");
        }
        String name = JsonFields.text(node, "event");
        String eventType = EVENT_NAMES.get(name);
        if (eventType == null) {
            return new Skipped("event '" + name + "' is not a Content Piece event");
        }
        return new Accepted(event(eventType, node, fallbackUniqueId), MetadataKept.of(mapper, node, envelope));
    }

    private static Event event(String eventType, JsonNode node, String fallbackUniqueId) {
        UUID userId = JsonFields.uuid(userId(node), "userId");
        String messageId = fallbackUniqueId == null ? JsonFields.text(node, "messageId")
                : JsonFields.optionalText(node, "messageId");
        boolean fallback = messageId == null;
        String uniqueId = fallback ? fallbackUniqueId : messageId;
        // RudderStack's path and ours are both "timestamp", so EventCodec's complaint stands as it is.
        Instant timestamp = EventCodec.parseTimestamp(JsonFields.text(node, "timestamp"));
        JsonNode context = JsonFields.object(node, "context");
        String timezone = JsonFields.text(context, "context.timezone");
        String locale = JsonFields.text(context, "context.locale");
        JsonNode properties = JsonFields.object(node, "properties");
        String sessionId = JsonFields.text(properties, "properties.session_id");
        String objectUri = JsonFields.text(properties, "properties.object_uri");
        Double position = eventType.equals("ContentPieceStarted") ? null : positionSeconds(properties);

        // The records check blank fields, time zones and positions under our field names; each is renamed to the
        // RudderStack path it came from, with the value the check saw.
        Map<String, Source> sources = Map.of(
                "unique_id", new Source(fallback ? "message.messageId" : "messageId", uniqueId),
                "session_id", new Source("properties.session_id", sessionId),
                "timezone", new Source("context.timezone", timezone),
                "locale", new Source("context.locale", locale),
                "object_uri", new Source("properties.object_uri", objectUri),
                "position_seconds", new Source("properties.position_seconds", Objects.toString(position, null)));
        try {
            Content content = Content.parse(objectUri);
            return switch (eventType) {
                case "ContentPieceStarted" ->
                        new ContentPieceStarted(userId, uniqueId, sessionId, timestamp, timezone, locale, content);
                case "ContentPieceCompleted" -> new ContentPieceCompleted(userId, uniqueId, sessionId, timestamp,
                        timezone, locale, content, position);
                default -> new ContentPieceCancelled(userId, uniqueId, sessionId, timestamp, timezone, locale,
                        content, position);
            };
        } catch (InvalidEventException e) {
            // Map.of refuses to look up null, the field of a complaint about the whole input.
            Source source = e.field() == null ? null : sources.get(e.field());
            throw source == null ? e : JsonFields.renamed(e, source.path(), source.value());
        }
    }

    /**
     * The userId. RudderStack's spec allows a call with only an {@code anonymousId}; such an event names no user to
     * store it under, which is said apart from a missing field so that the quarantine shows what happened.
     */
    private static String userId(JsonNode node) {
        String userId = JsonFields.optionalText(node, "userId");
        JsonNode anonymousId = node.get("anonymousId");
        if (userId == null && anonymousId != null && anonymousId.isTextual()) {
            String id = anonymousId.textValue();
            throw new InvalidEventException(null, null, "anonymous event: no userId (anonymousId '"
                    + (id.length() <= 80 ? id : id.substring(0, 77) + "...") + "')");
        }
        return JsonFields.text(node, "userId");
    }

    /** Where a field handed to the records came from: its RudderStack path and the value read there. */
    private record Source(String path, String value) {
    }

    /** The optional position: absent or null is none; anything but a number is refused. */
    private static Double positionSeconds(JsonNode properties) {
        JsonNode value = properties.get("position_seconds");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidEventException("properties.position_seconds", value.toString(), "is not a number");
        }
        return value.doubleValue();
    }
}
