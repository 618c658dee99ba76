package com.sevenmind.eventstore.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event of a type that has no registered record ({@link EventType}) in this process: its type name and its
 * payload as JSON, as they were stored. A projection that knows such a type by name can read its fields from
 * {@link #payload()}; registering the type makes the same stored events read as its record instead.
 *
 * @param eventType     the type name it was sent under, e.g. {@code Subscription Purchased}
 * @param userId        the user whose stream it belongs to
 * @param uniqueId      its unique id
 * @param timestamp     when it happened, cut to microseconds
 * @param schemaVersion the version of the payload's shape as stored: 1 unless an upcaster or an older type said
 * @param payload       its fields (a RudderStack track call's {@code properties}); not to be changed
 */
public record GenericEvent(String eventType, UUID userId, String uniqueId, Instant timestamp, int schemaVersion,
                           ObjectNode payload) implements Event {

    /**
     * Checks the type name ({@link #requireTypeName}), user, unique id and time, and cuts the time to micros.
     *
     * @param eventType     the type name
     * @param userId        the user
     * @param uniqueId      the unique id
     * @param timestamp     when it happened
     * @param schemaVersion the version of the payload's shape, 1 or more
     * @param payload       its fields
     * @throws InvalidEventException naming the field at fault
     */
    public GenericEvent {
        requireTypeName(eventType);
        timestamp = EventFields.validateCommon(userId, uniqueId, timestamp);
        Objects.requireNonNull(payload, "payload");
        if (schemaVersion < 1) {
            throw new InvalidEventException("schema_version", Integer.toString(schemaVersion), "is not 1 or more");
        }
    }

    /**
     * Checks a type name: at most {@link EventType#MAX_NAME_LENGTH} characters, not blank, no control characters.
     *
     * @param name the name to check
     * @return the name
     * @throws InvalidEventException naming the limit broken
     */
    public static String requireTypeName(String name) {
        EventFields.requireText("event_type", name);
        if (name.length() > EventType.MAX_NAME_LENGTH) {
            throw new InvalidEventException("event_type", name, "is " + name.length() + " characters long, over the "
                    + "limit of " + EventType.MAX_NAME_LENGTH);
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidEventException("event_type", name.replaceAll("\\p{Cntrl}", "?"),
                    "contains a control character; a type name is printable text");
        }
        return name;
    }
}
