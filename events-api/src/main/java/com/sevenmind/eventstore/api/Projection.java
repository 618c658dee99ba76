package com.sevenmind.eventstore.api;

import java.util.Optional;

/**
 * A view computed from one user's stream, as a streaming fold: {@link #initialState()}, then
 * {@link #apply(Object, RecordedEvent)} for each event in stream order (by timestamp, then unique_id), then
 * {@link #view(Object)}. The store feeds every requested projection in one pass, so a projection never sees the
 * whole stream at once and must keep its state small.
 *
 * <p>To add one: implement this interface in a public class with a public no-argument constructor, annotate it with
 * {@code @AutoService(Projection.class)} (or list it in {@code META-INF/services/com.sevenmind.eventstore.api.Projection}),
 * and put its jar on the application's classpath. Depend on {@code events-api} only.
 *
 * <p>A projection is pure: no I/O, no static state. {@code apply} may return a new state or the given one changed;
 * {@code initialState} must return a fresh state on every call.
 *
 * @param <S> the state carried from one event to the next
 */
public interface Projection<S> {

    /** The stable name used on the command line and as the key in JSON output, e.g. {@code stats}. */
    String name();

    /** The state before the first event. */
    S initialState();

    /** Folds one event into the state. */
    S apply(S state, RecordedEvent event);

    /** The result, serializable to JSON with the project's mapper (records, maps, lists, strings, numbers). */
    Object view(S state);

    /**
     * Whether {@link #apply} looks at {@link RecordedEvent#event()}. A projection that needs only the metadata
     * (type, time, ids) says false, and a read that serves only such projections does not fetch payloads at all.
     */
    default boolean needsPayload() {
        return true;
    }

    /**
     * Whether {@link #apply} looks at {@link RecordedEvent#receivedAt()}. Only a read for a projection that says
     * true fetches it; for the others it is null.
     */
    default boolean needsReceivedAt() {
        return false;
    }

    /**
     * The version of the rules of {@link #apply} and of the state's shape. Raise it with any change to either: a
     * saved state of another version is never used.
     */
    default int version() {
        return 1;
    }

    /**
     * The state's class, when the state may be saved in the snapshot cache: written and read with the project's
     * mapper ({@link Json#newObjectMapper()}), so that {@code apply} continued on the read state gives what it gives
     * on the written one. Empty (the default): never saved, always folded from the first event.
     */
    default Optional<Class<S>> snapshotType() {
        return Optional.empty();
    }
}
