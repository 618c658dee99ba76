package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.TextView;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** Printing results: one JSON document per line for programs, indented key/value text for people. */
public final class Output {

    private Output() {
    }

    /** Writes {@code value} as one line of JSON, streaming: a huge view is never held as one string. */
    public static void json(PrintWriter out, ObjectMapper mapper, Object value) {
        try {
            mapper.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getMessage(), e);
        }
        out.println();
    }

    /**
     * Projection views by name for people: a {@link TextView} prints itself; any other view as indented text of its
     * JSON structure, objects as "key  value" lines, arrays as "- " items.
     */
    public static void text(PrintWriter out, ObjectMapper mapper, Map<String, ?> views, String indent) {
        views.forEach((name, view) -> {
            out.println(indent + name);
            if (view instanceof TextView textView) {
                textView.printText(out, indent + "  ");
            } else {
                render(out, mapper.valueToTree(view), indent + "  ");
            }
        });
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
