package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.InvalidEventException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * The payload fields a read decodes, as {@code Projection.payloadFields()} names them: empty for all; else each by
 * its path ({@code session_id}, {@code content.object_uri}), an object's name for all of it.
 */
final class PayloadFields {

    private PayloadFields() {
    }

    /** Whether the field at {@code path}, or the object it is in ({@code parent}, null at the top), is named. */
    static boolean named(Set<String> fields, String parent, String path) {
        return fields.isEmpty() || fields.contains(path) || parent != null && fields.contains(parent);
    }

    /**
     * The payload's object with only the named fields it has, read with the streaming parser: the rest is skipped,
     * never built.
     *
     * @param json   the payload, UTF-8
     * @param fields the fields named; not empty
     */
    static ObjectNode select(ObjectMapper mapper, byte[] json, Set<String> fields) {
        try (JsonParser p = mapper.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException(null, null, "payload is not a JSON object");
            }
            ObjectNode selected = mapper.createObjectNode();
            select(p, fields, "", selected);
            return selected;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(null, null, "payload is " + JsonFields.problem(e, false));
        } catch (IOException e) {
            throw new UncheckedIOException("reading bytes in memory cannot fail", e);
        }
    }

    /** The named fields of the object at the parser, whose path is {@code prefix} (empty, or ending in a dot). */
    private static void select(JsonParser p, Set<String> fields, String prefix, ObjectNode into) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String path = prefix + name;
            JsonToken value = p.nextToken();
            if (fields.contains(path)) {
                into.set(name, p.readValueAsTree());
            } else if (value == JsonToken.START_OBJECT && within(fields, path)) {
                select(p, fields, path + ".", into.putObject(name));
            } else {
                p.skipChildren();
            }
        }
    }

    private static boolean within(Set<String> fields, String path) {
        for (String field : fields) {
            if (field.length() > path.length() && field.startsWith(path) && field.charAt(path.length()) == '.') {
                return true;
            }
        }
        return false;
    }
}
