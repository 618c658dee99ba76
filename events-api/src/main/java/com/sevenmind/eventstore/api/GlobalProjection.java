package com.sevenmind.eventstore.api;

/**
 * A view across all users: a fold over the store's global feed, every stored event once, in feed order (the order
 * in which the events' transactions wrote them; per user, the order they were stored in). The store keeps each
 * global projection's state beside the feed position it covers, and moves both on together in one transaction, so
 * an event is folded exactly once; {@code serve} keeps every global projection current in the background.
 *
 * <p>To add one: implement this interface in a public class with a public no-argument constructor, annotate it with
 * {@code @AutoService(GlobalProjection.class)} (or list it in
 * {@code META-INF/services/com.sevenmind.eventstore.api.GlobalProjection}), put its jar on the application's
 * classpath, and depend on {@code events-api} only. The rules of {@link Projection} hold here too: pure, a fresh
 * state from {@link #initialState()}, no reference to a state kept outside it, {@code view} changes nothing.
 *
 * <p>When a user is forgotten, the store folds every global projection again from the beginning (the user's events
 * are no longer stored), so a view never counts a forgotten user; when {@link #version()} changes, likewise.
 *
 * @param <S> the state, saved as JSON with the project's mapper ({@link Json#newObjectMapper()}) after each batch
 */
public interface GlobalProjection<S> {

    /**
     * The stable name, for {@code eventstore global NAME} and {@code GET /global/{name}}.
     *
     * @return the name, e.g. {@code content}
     */
    String name();

    /**
     * The state before the first event.
     *
     * @return a fresh state, never one returned before
     */
    S initialState();

    /**
     * Folds one event into the state.
     *
     * @param state the state so far
     * @param event the next event in feed order
     * @return the state with the event folded in (may be {@code state}, changed)
     */
    S apply(S state, RecordedEvent event);

    /**
     * The result, serializable to JSON with the project's mapper.
     *
     * @param state the state
     * @return the view
     */
    Object view(S state);

    /**
     * The state's class, to read a saved state back.
     *
     * @return the class of {@code S}
     */
    Class<S> stateType();

    /**
     * The version of the rules of {@link #apply} and of the state's shape: a saved state of another is rebuilt.
     *
     * @return the version, 1 unless overridden
     */
    default int version() {
        return 1;
    }
}
