package com.sevenmind.eventstore.api;

import java.util.Optional;
import java.util.Set;

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
 * <p>A projection is pure: no I/O, no static state, and {@code apply} depends on its two arguments only.
 *
 * <p><b>Who owns a state: the engine.</b> A state belongs to exactly one fold at a time, and the engine never hands
 * one state object to two folds. So a state may be mutable, and {@code apply} may change the given state in place and
 * return it (as History does: copying its sessions on every event would cost the length of the stream each time), or
 * return a new one (as Stats does). Once {@code apply} returns, the engine uses only the state it returned. In return,
 * an author must:
 * <ul>
 *   <li>return a fresh state from every call of {@code initialState} (or an immutable one): folding into one must not
 *       change another;</li>
 *   <li>keep no reference to a state, or to a mutable part of it, outside the state itself: no fields of the
 *       projection, no static caches, no mutable object shared by two states;</li>
 *   <li>not change the state in {@code view}, and return a value from it: what the view writes must not change when
 *       the state is folded on, so copy what it needs rather than wrap the state's objects. A running process keeps
 *       recent states in memory and folds them on for later reads, on other threads; the engine leases a state to a
 *       read until that read's answer is written, so a view that reads its state lazily still gives whole answers
 *       there, but a view kept longer (by a host, or a test) would change.</li>
 * </ul>
 * {@code projection-testkit}'s {@code ProjectionContract.verify} checks these rules on generated streams.
 *
 * @param <S> the state carried from one event to the next
 */
public interface Projection<S> {

    /**
     * The stable name used on the command line and as the key in JSON output.
     *
     * @return the name, e.g. {@code stats}
     */
    String name();

    /**
     * The state before the first event.
     *
     * @return a fresh state (or an immutable one)
     */
    S initialState();

    /**
     * Folds one event into the state. Every event of the stream comes, of every type: return the state unchanged
     * for a type the projection does not know.
     *
     * @param state the state so far
     * @param event the next event in stream order
     * @return the state to carry on with: {@code state}, changed or not, or a new one
     */
    S apply(S state, RecordedEvent event);

    /**
     * The result, serializable to JSON with the project's mapper (records, maps, lists, strings, numbers).
     *
     * @param state the state after the last event
     * @return the view
     */
    Object view(S state);

    /**
     * Whether {@link #apply} looks at {@link RecordedEvent#event()}. A projection that needs only the metadata
     * (type, time, ids) says false, and a read that serves only such projections does not fetch payloads at all.
     *
     * @return true by default
     */
    default boolean needsPayload() {
        return true;
    }

    /**
     * The payload fields {@link #apply} reads, by their names in the stored payload ({@code session_id}; a field of
     * an object after a dot: {@code content.object_uri}; an object's name reads all of it). When every projection of
     * a read that needs payloads names its fields, the read decodes only those (all of them together) and skips the
     * rest of each payload. What {@link RecordedEvent#event()} then holds:
     * <ul>
     *   <li>a Content Piece event: the fields its record requires are always there (the record checks them:
     *       {@code session_id}, {@code timezone}, {@code locale}, {@code content.kind}, {@code content.object_uri});
     *       the others not named are null ({@code content.course_id}, {@code content.item_id},
     *       {@code content.single_id}, {@code content.recording_id}, {@code position_seconds});</li>
     *   <li>a {@link GenericEvent}: its {@code payload()} holds only the named fields the payload has;</li>
     *   <li>the record of a plug-in {@link EventType}: the whole record, as its constructor may require any field.</li>
     * </ul>
     * A payload stored in an older version is brought up to date whole (an upcaster may need any field), then read
     * as above. {@code projection-testkit} checks that the projection gives the same views either way.
     *
     * @return the fields read; empty (the default) for all of them
     */
    default Set<String> payloadFields() {
        return Set.of();
    }

    /**
     * Whether {@link #apply} looks at {@link RecordedEvent#receivedAt()}. Only a read for a projection that says
     * true fetches it; for the others it is null.
     *
     * @return false by default
     */
    default boolean needsReceivedAt() {
        return false;
    }

    /**
     * The version of the rules of {@link #apply} and of the state's shape. Raise it with any change to either: a
     * saved state of another version is never used.
     *
     * @return 1 by default
     */
    default int version() {
        return 1;
    }

    /**
     * The state's class, when the state may be saved in the snapshot cache: written and read as event-codec's {@code SnapshotFormat}
     * says (JSON with the project's mapper, {@link Json#newObjectMapper()}), so that {@code apply} continued on the
     * read state gives what it gives on the written one. Empty (the default): never saved, always folded from the
     * first event.
     *
     * @return the state's class, or empty
     */
    default Optional<Class<S>> snapshotType() {
        return Optional.empty();
    }
}
