package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.time.format.DateTimeFormatter;

/** Values in the text format of PostgreSQL's COPY: a tab between columns, a newline after each row. */
public final class CopyText {

    /** The columns of {@link #appendEvent}'s rows, in their order, for the COPY statement. */
    public static final String EVENT_COLUMNS =
            "(user_uuid, unique_id, event_type, schema_version, \"timestamp\", payload, received_at, metadata)";

    /** COPY's text for SQL NULL. */
    private static final String NULL = "\\N";

    private CopyText() {
    }

    /**
     * Appends the row of an event as the store stores it, in the order of {@link #EVENT_COLUMNS}.
     *
     * @param out where to write
     * @param e the event
     * @param schemaVersion the shape to write the payloads in: the current one, or 1
     * @param payload its payload as JSON text
     * @param metadata the metadata of each event, in their order; null for none
     * @return {@code out}
     */
    public static StringBuilder appendEvent(StringBuilder out, Event e, int schemaVersion, String payload,
                                            PipelineMetadata metadata) {
        out.append(e.userId()).append('\t');
        append(out, e.uniqueId()).append('\t');
        append(out, e.eventType()).append('\t').append(schemaVersion).append('\t')
                .append(DateTimeFormatter.ISO_INSTANT.format(e.timestamp())).append('\t');
        append(out, payload).append('\t');
        if (metadata.receivedAt() == null) {
            out.append(NULL);
        } else {
            out.append(DateTimeFormatter.ISO_INSTANT.format(metadata.receivedAt()));
        }
        out.append('\t');
        return (metadata.json() == null ? out.append(NULL) : append(out, metadata.json())).append('\n');
    }

    /**
     * Appends {@code value} with backslash, tab, newline and carriage return escaped.
     *
     * @param out where to write
     * @param value the text to escape
     * @return {@code out}
     */
    public static StringBuilder append(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }
}
