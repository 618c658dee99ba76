package com.sevenmind.eventstore.app.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.JsonFields;
import com.sevenmind.eventstore.codec.Utf8;
import com.sevenmind.eventstore.codec.ingest.PubSubEnvelope;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Accepted;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Parsed;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The input formats the store takes, by the name kept with a quarantined input so that it can be read again:
 * {@code native} (the import line format), {@code rudderstack} (a RudderStack track event) and {@code pubsub} (a
 * Pub/Sub push envelope around a RudderStack event, whose message id is the unique id of an event without one).
 */
public final class Inputs {

    public static final String NATIVE = "native";
    public static final String RUDDERSTACK = "rudderstack";
    public static final String PUBSUB = "pubsub";
    static final List<String> FORMATS = List.of(NATIVE, RUDDERSTACK, PUBSUB);

    /** Longer lines, in bytes, are refused: one line must not take the heap (a request has its own limit). */
    public static final int MAX_BYTES = 1 << 20;
    /** What is kept of an oversize input, in bytes; and of a body sent without a token, in characters. */
    public static final int KEPT_CHARS = 64 << 10;

    private final ObjectMapper mapper;
    private final EventCodec codec;
    private final RudderStackCodec rudderStack;

    @Inject
    public Inputs(ObjectMapper mapper, EventCodec codec) {
        this.mapper = mapper;
        this.codec = codec;
        this.rudderStack = new RudderStackCodec(mapper, codec);
    }

    /** The event in {@code input}, or why it is skipped; throws {@link InvalidEventException} when it is bad. */
    public Parsed read(String format, String input) {
        return read(format, input, null);
    }

    /**
     * As {@link #read(String, String)}; {@code parsed}, when not null, is {@code input} already read as a JSON
     * object (a push's body, read to tell its kind), and is not read again.
     *
     * @param format one of {@link #FORMATS}
     * @param input  the input as it is kept
     * @param parsed the input read as a JSON object, or null
     * @return the event and its metadata, or why it is skipped
     */
    public Parsed read(String format, String input, JsonNode parsed) {
        return switch (format) {
            case NATIVE -> {
                JsonNode line = object(input, parsed);
                yield new Accepted(codec.parse(line), codec.metadata(line));
            }
            case RUDDERSTACK -> rudderStack.parse(object(input, parsed), null);
            case PUBSUB -> rudderStack.parse(PubSubEnvelope.parse(object(input, parsed)));
            default -> throw new IllegalArgumentException("unknown input format " + format + "; known: " + FORMATS);
        };
    }

    /** {@code input} as a JSON object: {@code parsed} when it was read already. */
    private JsonNode object(String input, JsonNode parsed) {
        return parsed != null ? parsed : JsonFields.readObject(mapper, input);
    }

    /** The body as a JSON object, or null when it is not one (not JSON, or JSON of another kind). */
    public static JsonNode jsonObject(ObjectMapper mapper, String body) {
        try {
            JsonNode root = mapper.readTree(body);
            return root != null && root.isObject() ? root : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The reason kept with an event PostgreSQL refused. */
    public static String refused(String databaseReason) {
        return "refused by the database: " + databaseReason;
    }

    /** The reason kept with an input that is not UTF-8: where, and how it is kept. */
    public static String invalidUtf8(long invalidAt) {
        return Utf8.problem(invalidAt) + " (kept with each invalid byte replaced by U+FFFD)";
    }

    public static String oversize(long length) {
        return String.format("input of %,d bytes is over the limit of %,d bytes", length, MAX_BYTES);
    }
}
