package com.sevenmind.eventstore.codec.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.JsonFields;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads one RudderStack event, as found on a line of a JSON Lines export or in the data of a Pub/Sub message, into
 * one of our {@link Event}s.
 *
 * <p>Every {@code track} call becomes an event: of the registered type whose stored or track name is its
 * {@code event} ({@code Content Piece Started} is {@code ContentPieceStarted}), else a {@link GenericEvent} stored
 * under the name as sent, its {@code properties} the payload. Other calls (identify, page, screen, group, alias) are
 * {@link Skipped}: they describe users and screens, not activity. The fields every event has:
 * <ul>
 *   <li>{@code userId} → user id (a canonical UUID; an event with only an {@code anonymousId} cannot be stored and
 *       is refused as {@code anonymous event: no userId (anonymousId '…')});</li>
 *   <li>{@code messageId} → unique id: RudderStack keeps it across its own retries, so one event has one id
 *       whichever way it came (a push, an import) and however often it was published; only an event without one
 *       takes the caller's fallback (the Pub/Sub message id);</li>
 *   <li>{@code timestamp} → timestamp: RudderStack's time corrected for the device's clock skew, not
 *       {@code originalTimestamp}, the device's own clock.</li>
 * </ul>
 * A Content Piece event reads {@code context.timezone}, {@code context.locale}, {@code properties.session_id},
 * {@code properties.object_uri} and, on Completed and Cancelled, the optional {@code properties.position_seconds}.
 * Everything else ({@code receivedAt}, {@code anonymousId}, {@code sentAt}, {@code context.app}, …) is kept beside
 * the event as its {@link PipelineMetadata}, with the Pub/Sub push's own fields when it came in one. An event that
 * breaks these rules throws {@link InvalidEventException} naming the field by its RudderStack path, e.g.
 * {@code field context.timezone is missing}.
 */
public final class RudderStackCodec {

    private final ObjectMapper mapper;
    private final EventCodec codec;

    /**
     * A reader of the built-in types only; every other track call is a {@link GenericEvent}.
     *
     * @param mapper the project's mapper
     */
    public RudderStackCodec(ObjectMapper mapper) {
        this(mapper, new EventCodec(mapper));
    }

    /**
     * A reader of the types {@code codec} knows.
     *
     * @param mapper the project's mapper
     * @param codec  the codec of the registered types
     */
    public RudderStackCodec(ObjectMapper mapper, EventCodec codec) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** What became of one RudderStack event. */
    public sealed interface Parsed permits Accepted, Skipped {
    }

    /**
     * An event, to be stored, with what the pipeline said about it.
     *
     * @param event    the event
     * @param metadata what the pipeline said of it
     */
    public record Accepted(Event event, PipelineMetadata metadata) implements Parsed {
        /**
         * Checks both are there.
         *
         * @param event    the event
         * @param metadata what the pipeline said of it
         */
        public Accepted {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    /**
     * A well-formed call that is not ours to store, with why.
     *
     * @param reason e.g. {@code type identify is not a track call}
     */
    public record Skipped(String reason) implements Parsed {
        /**
         * Checks the reason is there.
         *
         * @param reason why it is skipped
         */
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
     * @return the event, or why it is skipped
     * @throws InvalidEventException if the text is not a JSON object, or a Content Piece event lacks a field or
     *                               holds an invalid one
     */
    public Parsed parse(String json, String fallbackUniqueId) {
        return parse(JsonFields.readObject(mapper, json), fallbackUniqueId, null);
    }

    /**
     * As {@link #parse(String, String)}, the event already read as a JSON object.
     *
     * @param node             the event
     * @param fallbackUniqueId the unique id of an event without a {@code messageId}; null to require one
     * @return the event and its metadata, or why it is skipped
     * @throws InvalidEventException if it is not a valid event
     */
    public Parsed parse(JsonNode node, String fallbackUniqueId) {
        return parse(node, fallbackUniqueId, null);
    }

    /**
     * Parses the RudderStack event in a Pub/Sub push: its message id is the unique id of an event without a
     * {@code messageId}, and the push's fields are kept in the metadata.
     *
     * @param envelope the push
     * @return the event, or why it is skipped
     */
    public Parsed parse(PubSubEnvelope envelope) {
        return parse(JsonFields.readObject(mapper, envelope.data()), envelope.messageId(), envelope);
    }

    private Parsed parse(JsonNode node, String fallbackUniqueId, PubSubEnvelope envelope) {
        String type = JsonFields.text(node, "type");
        if (!type.equals("track")) {
            return new Skipped("type " + type + " is not a track call");
        }
        String name = JsonFields.text(node, "event");
        return new Accepted(event(name, node, fallbackUniqueId),
                MetadataKept.of(mapper, node, envelope, codec.trackFieldsHeld(name)));
    }

    private Event event(String name, JsonNode node, String fallbackUniqueId) {
        UUID userId = JsonFields.uuid(userId(node), "userId");
        String messageId = fallbackUniqueId == null ? JsonFields.text(node, "messageId")
                : JsonFields.optionalText(node, "messageId");
        boolean fallback = messageId == null;
        String uniqueId = fallback ? fallbackUniqueId : messageId;
        // RudderStack's path and ours are both "timestamp", so EventCodec's complaint stands as it is.
        Instant timestamp = EventCodec.parseTimestamp(JsonFields.text(node, "timestamp"));
        try {
            Event.checked(userId, uniqueId, timestamp);
        } catch (InvalidEventException e) {
            throw e.field() == null ? e
                    : JsonFields.renamed(e, fallback ? "message.messageId" : "messageId", uniqueId);
        }
        return codec.fromTrack(name, node, userId, uniqueId, timestamp);
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
}
