package com.sevenmind.eventstore.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Brings a stored payload of one event type one schema version up, so that old rows read as current events.
 * Reading applies a chain of them (version v to v+1, then v+1 to v+2, …) before any projection sees the event.
 *
 * <p>The payload holds only what has no column: never user, unique_id, type, version or timestamp. An upcaster is
 * pure: no I/O, the same answer for the same payload.
 *
 * <p>Upcasters are found like projections: a public class with a public no-argument constructor, listed in
 * {@code META-INF/services/com.sevenmind.eventstore.api.Upcaster} (or annotated
 * {@code @AutoService(Upcaster.class)}), in a jar on the class path. The ones the store needs for its own
 * history (version 1 to 2) are built into event-codec.
 */
public interface Upcaster {

    /**
     * The stored event type it reads.
     *
     * @return the type's stored name, e.g. {@code ContentPieceStarted}
     */
    String eventType();

    /**
     * The schema version it reads; it returns a payload of version {@code fromVersion() + 1}.
     *
     * @return the version read
     */
    int fromVersion();

    /**
     * The payload one version up; may change {@code payload} and return it.
     *
     * @param payload a payload of {@link #fromVersion()}
     * @return the payload of the next version
     */
    ObjectNode upcast(ObjectNode payload);
}
