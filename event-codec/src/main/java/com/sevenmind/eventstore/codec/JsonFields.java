package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Json;
import java.util.UUID;

/**
 * Reading JSON inputs (our line format, stored payloads, RudderStack, Pub/Sub) with errors that name each field by
 * its full path in that format ({@code context.timezone}, {@code message.data}), so a sender can find it.
 */
public final class JsonFields {

    private JsonFields() {
    }

    /**
     * The JSON text as an object node; refuses invalid JSON and anything but an object.
     *
     * @param mapper the project's mapper
     * @param json   the text
     * @return the object
     * @throws InvalidEventException when the text is not a JSON object
     */
    public static JsonNode readObject(ObjectMapper mapper, String json) {
        return readObject(mapper, json, null);
    }

    /**
     * As {@link #readObject(ObjectMapper, String)}; errors name {@code subject} (e.g. "payload") when not null.
     *
     * @param mapper  the project's mapper
     * @param json    the text
     * @param subject what the text is, for messages; or null
     * @return the object
     */
    public static JsonNode readObject(ObjectMapper mapper, String json, String subject) {
        String what = subject == null ? "" : subject + " is ";
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(null, null, what + problem(e, false));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(null, null, what + "not a JSON object");
        }
        return node;
    }

    /**
     * What is wrong with JSON Jackson could not read, in one line: {@code not valid JSON at column 7: …}, with the
     * line too when {@code withLine} (a body over several lines), or {@code JSON nested deeper than 64 levels}.
     *
     * @param e        what Jackson threw
     * @param withLine whether to name the line too
     * @return the problem, one line
     */
    public static String problem(JsonProcessingException e, boolean withLine) {
        // A broken limit comes without a location; the depth is the one limit an event can reach.
        if (e instanceof StreamConstraintsException && e.getOriginalMessage().contains("nesting depth")) {
            return "JSON nested deeper than " + Json.MAX_DEPTH + " levels";
        }
        JsonLocation at = e.getLocation();
        if (at == null) {
            return "not valid JSON: " + reason(e);
        }
        return "not valid JSON at " + (withLine ? "line " + at.getLineNr() + ", " : "") + "column "
                + at.getColumnNr() + ": " + reason(e);
    }

    /**
     * Why Jackson could not read the JSON, in one line: its message carries an excerpt of the source over several
     * lines, so keep its first clause (the caller adds where).
     *
     * @param e what Jackson threw
     * @return the reason, one line
     */
    public static String reason(JsonProcessingException e) {
        return e.getOriginalMessage().lines().findFirst().orElse("").split(" \\(start marker")[0];
    }

    /**
     * The object at the last segment of {@code path} inside {@code parent}, which must be there.
     *
     * @param parent the object it is in
     * @param path   its full path, for messages
     * @return the object
     */
    public static JsonNode object(JsonNode parent, String path) {
        JsonNode value = parent.get(name(path));
        if (value == null || value.isNull()) {
            throw new InvalidEventException(path, null, "is missing");
        }
        if (!value.isObject()) {
            throw new InvalidEventException(path, value.toString(), "is not an object");
        }
        return value;
    }

    /**
     * The string at the last segment of {@code path} inside {@code parent}, which must be there.
     *
     * @param parent the object it is in
     * @param path   its full path, for messages
     * @return the string
     */
    public static String text(JsonNode parent, String path) {
        String value = optionalText(parent, path);
        if (value == null) {
            throw new InvalidEventException(path, null, "is missing");
        }
        return value;
    }

    /**
     * A string that may be absent (or JSON null): null then.
     *
     * @param parent the object it is in
     * @param path   its full path, for messages
     * @return the string, or null
     */
    public static String optionalText(JsonNode parent, String path) {
        JsonNode value = parent.get(name(path));
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEventException(path, value.toString(), "is not a string");
        }
        return value.textValue();
    }

    /**
     * A user id in canonical form only: UUID.fromString accepts short groups such as 1-2-3-4-5, which would give one
     * user two spellings.
     *
     * @param value the text
     * @param path  where it was, for messages
     * @return the UUID
     */
    public static UUID uuid(String value, String path) {
        try {
            UUID parsed = UUID.fromString(value);
            if (parsed.toString().equalsIgnoreCase(value)) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidEventException(path, value, "is not a UUID");
    }

    /**
     * The same complaint with the field named by {@code path}: the event records check their fields under our names
     * ({@code timezone}), and rather than repeat those rules here their verdict is carried over. {@code value} must
     * be what was handed to the check; if the message is not of the expected form it is passed on unchanged.
     *
     * @param e     the complaint
     * @param path  the field's path in the input
     * @param value the value the check saw
     * @return the complaint about {@code path}
     */
    public static InvalidEventException renamed(InvalidEventException e, String path, String value) {
        // The constructor with an empty problem renders exactly the prefix the check wrote before its problem.
        String prefix = new InvalidEventException(e.field(), value, "").getMessage();
        if (e.field() == null || !e.getMessage().startsWith(prefix)) {
            return e;
        }
        return new InvalidEventException(path, value, e.getMessage().substring(prefix.length()));
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
