package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.InvalidEventException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * A current-version payload read with Jackson's streaming parser, field by field, unknown fields skipped: reading a
 * long stream decodes every payload, and building a tree for each costs more than the rest of the read. The fields
 * the records require are always read; the optional ones (the content's ids, the position) only when named
 * ({@link PayloadFields}), else they are skipped and left null.
 */
final class StoredPayload {

    String sessionId;
    String timezone;
    String locale;
    Double positionSeconds;
    private boolean hasContent;
    private String kind;
    private String courseId;
    private String itemId;
    private String singleId;
    private String recordingId;
    private String objectUri;

    /**
     * @param json   UTF-8
     * @param fields the fields to read beside the required ones; empty for all
     */
    static StoredPayload read(ObjectMapper mapper, byte[] json, Set<String> fields) {
        StoredPayload payload = new StoredPayload();
        try (JsonParser p = mapper.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException(null, null, "payload is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "session_id" -> payload.sessionId = text(p, name);
                    case "timezone" -> payload.timezone = text(p, name);
                    case "locale" -> payload.locale = text(p, name);
                    case "position_seconds" -> payload.positionSeconds =
                            PayloadFields.named(fields, null, name) ? seconds(p) : null;
                    case "content" -> payload.readContent(p, fields);
                    default -> p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(null, null, "payload is " + JsonFields.problem(e, false));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        return payload;
    }

    /** The content object; throws when it is missing or incomplete. */
    Content content() {
        if (!hasContent) {
            throw new InvalidEventException("content", null, "is missing");
        }
        if (kind == null) {
            throw new InvalidEventException("content.kind", null, "is missing");
        }
        if (objectUri == null) {
            throw new InvalidEventException("object_uri", null, "is missing");
        }
        return new Content(kind, courseId, itemId, singleId, recordingId, objectUri);
    }

    private void readContent(JsonParser p, Set<String> fields) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new InvalidEventException("content", value(p), "is not an object");
        }
        hasContent = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "kind" -> kind = optionalText(p, "content.kind");
                case "course_id" -> courseId = id(p, fields, name, "content.course_id");
                case "item_id" -> itemId = id(p, fields, name, "content.item_id");
                case "single_id" -> singleId = id(p, fields, name, "content.single_id");
                case "recording_id" -> recordingId = id(p, fields, name, "content.recording_id");
                case "object_uri" -> objectUri = optionalText(p, name);
                default -> p.skipChildren();
            }
        }
    }

    /** One of the content's ids when named; null, its value not even decoded, when not. */
    private static String id(JsonParser p, Set<String> fields, String name, String path) throws IOException {
        return PayloadFields.named(fields, "content", path) ? optionalText(p, name) : null;
    }

    /** A required string: as {@link JsonFields#text}, a JSON null is missing. */
    private static String text(JsonParser p, String field) throws IOException {
        String value = optionalText(p, field);
        if (value == null) {
            throw new InvalidEventException(field, null, "is missing");
        }
        return value;
    }

    private static String optionalText(JsonParser p, String field) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidEventException(field, value(p), "is not a string");
        }
        return p.getText();
    }

    private static Double seconds(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isNumeric()) {
            throw new InvalidEventException("position_seconds", value(p), "is not a number");
        }
        return p.getDoubleValue();
    }

    /** The JSON text of the value at the parser, for a message. */
    private static String value(JsonParser p) throws IOException {
        return p.currentToken().isStructStart() ? p.readValueAsTree().toString() : p.getText();
    }
}
