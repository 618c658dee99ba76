package com.sevenmind.eventstore.api;

import java.util.List;
import java.util.Set;

/**
 * An event type, registered like a projection: a public class with a public no-argument constructor, annotated
 * {@code @AutoService(EventType.class)} (or listed in {@code META-INF/services/com.sevenmind.eventstore.api.EventType}),
 * in a jar on the class path that depends on {@code events-api} only.
 *
 * <p>Events of the type are then validated and decoded as its record {@code E}: read from a RudderStack track call's
 * {@code properties} and from the payload of stored rows with the project's JSON mapper ({@link Json}), snake_case
 * field names. The record has the components {@code userId}, {@code uniqueId} and {@code timestamp} of
 * {@link Event}, then its own fields; its compact constructor checks them and throws {@link InvalidEventException}
 * naming the field at fault. Events stored before the type was registered (read until then as
 * {@link GenericEvent}s) are read as the record from then on, brought up from their version with
 * {@link #upcasters()}.
 *
 * @param <E> the record of the type's current schema version
 */
public interface EventType<E extends Record & Event> {

    /** The longest type name taken, in characters. */
    int MAX_NAME_LENGTH = 128;

    /**
     * The record events of this type are read as.
     *
     * @return the record class, whose {@link Event#eventType()} returns {@link #name()}
     */
    Class<E> recordClass();

    /**
     * The name new events of the type are stored under.
     *
     * @return by default the record's simple name, e.g. {@code SubscriptionPurchased}
     */
    default String name() {
        return recordClass().getSimpleName();
    }

    /**
     * The RudderStack track event names that are this type, e.g. {@code Subscription Purchased}. Rows stored under
     * one of them (before the type was registered) are this type too.
     *
     * @return the names, none by default
     */
    default Set<String> trackNames() {
        return Set.of();
    }

    /**
     * The version of the payload's shape that {@link #recordClass()} reads; events stored before the type was
     * registered are version 1.
     *
     * @return 1 by default
     */
    default int schemaVersion() {
        return 1;
    }

    /**
     * The upcasters that bring this type's older payloads up to {@link #schemaVersion()}, one per older version;
     * their {@link Upcaster#eventType()} is {@link #name()}.
     *
     * @return none by default
     */
    default List<Upcaster> upcasters() {
        return List.of();
    }
}
