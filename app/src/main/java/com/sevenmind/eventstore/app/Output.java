package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Map;

/** Printing results: one JSON document per line for programs, indented key/value text for people. */
final class Output {

    private Output() {
    }

    static void json(PrintWriter out, ObjectMapper mapper, Object value) {
        try {
            out.println(mapper.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Any JSON-serializable value as indented text: objects as "key  value" lines, arrays as "- " items. */
    static void text(PrintWriter out, ObjectMapper mapper, Map<String, ?> values, String indent) {
        render(out, mapper.valueToTree(values), indent);
    }

    private static void render(PrintWriter out, JsonNode node, String indent) {
        if (node.isObject()) {
            int width = 0;
            for (var names = node.fieldNames(); names.hasNext(); ) {
                width = Math.max(width, names.next().length());
            }
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                if (field.getValue().isContainerNode()) {
                    out.println(indent + field.getKey());
                    render(out, field.getValue(), indent + "  ");
                } else {
                    out.printf("%s%-" + width + "s  %s%n", indent, field.getKey(), scalar(field.getValue()));
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (item.isContainerNode()) {
                    out.println(indent + "-");
                    render(out, item, indent + "  ");
                } else {
                    out.println(indent + "- " + scalar(item));
                }
            }
        } else {
            out.println(indent + scalar(node));
        }
    }

    private static String scalar(JsonNode node) {
        if (node.isIntegralNumber()) {
            return String.format("%,d", node.longValue());
        }
        return node.isNull() ? "-" : node.asText();
    }
}
