package com.sevenmind.eventstore.store;

import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Feeds several projections from one pass over a stream: accept each event in order, then ask for the views. */
public final class ProjectionPass implements Consumer<RecordedEvent> {

    private final List<Running<?>> running = new ArrayList<>();
    private long eventCount;

    /**
     * A pass of {@code projections}, each from its initial state.
     *
     * @param projections the projections
     */
    public ProjectionPass(List<? extends Projection<?>> projections) {
        this(projections, Map.of());
    }

    /**
     * Continues folds from saved states, by projection name; a projection without one starts from its initial
     * state. A saved state must be of the projection's state type: one it gave before, or read from a snapshot. The
     * pass takes the states over, as {@link Projection}'s ownership rule says: no other pass may fold them.
     *
     * @param projections the projections
     * @param states the states to go on from, by projection name; the initial state for the others
     */
    public ProjectionPass(List<? extends Projection<?>> projections, Map<String, Object> states) {
        projections.forEach(p -> running.add(new Running<>(p, states.get(p.name()))));
    }

    @Override
    public void accept(RecordedEvent event) {
        eventCount++;
        for (Running<?> r : running) {
            r.apply(event);
        }
    }

    /**
     * Whether any of the projections looks at payloads, so the read must fetch and decode them.
     *
     * @return whether needs payload
     */
    public boolean needsPayload() {
        return running.stream().anyMatch(r -> r.projection.needsPayload());
    }

    /**
     * The payload fields the projections that look at payloads read, together: empty (all) when one of them does not
     * name its fields ({@link Projection#payloadFields()}); null when none looks at payloads.
     *
     * @return the fields to decode; empty for all; null for no payloads
     */
    public Set<String> payloadFields() {
        if (!needsPayload()) {
            return null;
        }
        Set<String> fields = new HashSet<>();
        for (Running<?> r : running) {
            if (r.projection.needsPayload()) {
                if (r.projection.payloadFields().isEmpty()) {
                    return Set.of();
                }
                fields.addAll(r.projection.payloadFields());
            }
        }
        return Set.copyOf(fields);
    }

    /**
     * Whether any of the projections looks at {@link RecordedEvent#receivedAt()}, so the read must fetch it.
     *
     * @return whether needs received at
     */
    public boolean needsReceivedAt() {
        return running.stream().anyMatch(r -> r.projection.needsReceivedAt());
    }

    /**
     * The events accepted by this pass (not those folded into the states it continued from).
     *
     * @return how many events were accepted
     */
    public long eventCount() {
        return eventCount;
    }

    /**
     * Each projection's view by name, in the order the projections were given.
     *
     * @return each projection's view, by name
     */
    public Map<String, Object> views() {
        Map<String, Object> views = new LinkedHashMap<>();
        running.forEach(r -> views.put(r.projection.name(), r.view()));
        return views;
    }

    /**
     * Each projection's state by name, as folded so far: what a snapshot saves.
     *
     * @return each projection's state, by name
     */
    public Map<String, Object> states() {
        Map<String, Object> states = new LinkedHashMap<>();
        running.forEach(r -> states.put(r.projection.name(), r.state));
        return states;
    }

    private static final class Running<S> {
        private final Projection<S> projection;
        private S state;

        @SuppressWarnings("unchecked") // the caller's promise: a state this projection gave, or saved and read back
        Running(Projection<S> projection, Object saved) {
            this.projection = projection;
            this.state = saved == null ? projection.initialState() : (S) saved;
        }

        void apply(RecordedEvent event) {
            state = projection.apply(state, event);
        }

        Object view() {
            return projection.view(state);
        }
    }
}
