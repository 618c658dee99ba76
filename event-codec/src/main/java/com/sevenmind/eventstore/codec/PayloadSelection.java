package com.sevenmind.eventstore.codec;

import com.sevenmind.eventstore.api.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The payload fields a read of a few named ones ({@code Projection.payloadFields()}) takes from the database as
 * text, each by its path, instead of the payload: for the built-in Content Piece types at their current version,
 * whose shape the codec knows. Each field then costs the server a lookup in its binary jsonb, where the payload
 * costs writing all of it out as JSON text, and costs the reader no parse at all. Any other row (another type, an
 * older version to upcast) is read from its payload as before.
 *
 * <p>A selected field reads as the database's {@code ->>} gives it: JSON null and absent are both null, as they
 * are when a payload is parsed.
 */
public final class PayloadSelection {

    private final Map<String, ContentPieceType<?>> types = new TreeMap<>();
    private final List<String> paths;
    /** Where each of {@link ContentPieceType#PATHS} is in {@link #paths}; -1 when not selected. */
    private final int[] slots;

    PayloadSelection(List<ContentPieceType<?>> types, Set<String> fields) {
        types.forEach(t -> this.types.put(t.name(), t));
        paths = ContentPieceType.selectedPaths(fields);
        slots = ContentPieceType.PATHS.stream().mapToInt(paths::indexOf).toArray();
    }

    /**
     * The payload's fields to select, each a path of names ({@code session_id}, {@code content.kind}), in the
     * order {@link #event} takes their values.
     *
     * @return the paths
     */
    public List<String> paths() {
        return paths;
    }

    /**
     * The stored types whose rows are read from the selected fields, each at the one version that is.
     *
     * @return type name to schema version
     */
    public Map<String, Integer> versions() {
        Map<String, Integer> versions = new TreeMap<>();
        types.forEach((name, type) -> versions.put(name, type.schemaVersion()));
        return versions;
    }

    /**
     * The event of a row of one of {@link #versions()}' types at its version, from its selected fields.
     *
     * @param eventType the stored type name
     * @param userId    the user
     * @param uniqueId  the unique id
     * @param timestamp the time
     * @param values    the fields' values as text, in {@link #paths()}' order; null where none
     * @return the event, as its payload gives it when read for the same fields
     */
    public Event event(String eventType, UUID userId, String uniqueId, Instant timestamp, String[] values) {
        ContentPieceType<?> type = types.get(eventType);
        if (type == null) {
            throw new IllegalArgumentException(eventType + " is not read from selected fields");
        }
        return type.fromSelected(userId, uniqueId, timestamp, slots, values);
    }
}
