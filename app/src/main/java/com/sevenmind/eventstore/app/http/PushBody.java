package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.app.ingest.Inputs;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * What a {@code POST /pubsub/push} carries, as an input the store reads: a wrapped push as it came, and a push of a
 * subscription with payload unwrapping (the message data as the body, the metadata as headers) as the wrapped
 * envelope Pub/Sub would have sent, so that everything after, the quarantine and {@code rejected --retry} included,
 * is the same for both.
 *
 * <p>A body that is a JSON object with a {@code message} object is wrapped. A body that is a JSON object with a
 * {@code type} (a RudderStack event), or any body sent with {@code x-goog-pubsub-message-id}, is unwrapped. Anything
 * else is read as wrapped, so that its error says what a wrapped push lacks. An unwrapped push without a message id
 * (write metadata off) has nothing to wrap: it is the RudderStack event alone, whose {@code messageId} is required.
 */
final class PushBody {

    static final String MESSAGE_ID = "x-goog-pubsub-message-id";
    private static final String PREFIX = "x-goog-";
    /**
     * Headers that HTTP, proxies and Google's front end set, never message attributes: every other header of an
     * unwrapped push is one. An attribute named like one of these cannot be told apart from it, and is not read.
     */
    private static final Set<String> STANDARD = Set.of("accept", "accept-charset", "accept-encoding",
            "accept-language", "authorization", "cache-control", "connection", "content-encoding", "content-length",
            "content-type", "cookie", "expect", "forwarded", "from", "host", "keep-alive", "origin", "pragma",
            "proxy-authorization", "proxy-connection", "referer", "te", "trailer", "transfer-encoding", "upgrade",
            "user-agent", "via", "traceparent", "tracestate", "x-cloud-trace-context", "x-real-ip", "x-request-id");

    /**
     * An input in one of the {@link Inputs} formats.
     *
     * @param format the format
     * @param text   the input as it is kept
     * @param json   the input already read as a JSON object, so that it is read once; null when it is not one
     */
    record Input(String format, String text, JsonNode json) {
    }

    private PushBody() {
    }

    static Input of(ObjectMapper mapper, HttpFields headers, String body) {
        JsonNode root = Inputs.jsonObject(mapper, body);
        boolean wrapped = root != null && root.path("message").isObject();
        String messageId = headers.get(MESSAGE_ID);
        if (wrapped || messageId == null && (root == null || !root.has("type"))) {
            return new Input(Inputs.PUBSUB, body, root);
        }
        if (messageId == null) {
            return new Input(Inputs.RUDDERSTACK, body, root);
        }
        ObjectNode envelope = mapper.createObjectNode();
        ObjectNode message = envelope.putObject("message");
        message.put("data", Base64.getEncoder().encodeToString(body.getBytes(UTF_8)));
        message.put("messageId", messageId);
        putIfPresent(message, "publishTime", headers.get("x-goog-pubsub-publish-time"));
        putIfPresent(message, "orderingKey", headers.get("x-goog-pubsub-ordering-key"));
        ObjectNode attributes = mapper.createObjectNode();
        for (HttpField header : headers) {
            if (attribute(header.getName())) {
                attributes.put(header.getName(), header.getValue());
            }
        }
        if (!attributes.isEmpty()) {
            message.set("attributes", attributes);
        }
        putIfPresent(envelope, "subscription", headers.get("x-goog-pubsub-subscription-name"));
        return new Input(Inputs.PUBSUB, envelope.toString(), envelope);
    }

    /** Whether a header of an unwrapped push is a message attribute: neither Google's metadata nor standard. */
    static boolean attribute(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !lower.startsWith(PREFIX) && !lower.startsWith("x-forwarded-") && !STANDARD.contains(lower);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
