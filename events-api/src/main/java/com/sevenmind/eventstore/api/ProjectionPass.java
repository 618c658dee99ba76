package com.sevenmind.eventstore.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Feeds several projections from one pass over a stream: accept each event in order, then ask for the views. */
public final class ProjectionPass implements Consumer<RecordedEvent> {

    private final List<Running<?>> running = new ArrayList<>();
    private long eventCount;

    public ProjectionPass(List<? extends Projection<?>> projections) {
        projections.forEach(p -> running.add(new Running<>(p)));
    }

    @Override
    public void accept(RecordedEvent event) {
        eventCount++;
        for (Running<?> r : running) {
            r.apply(event);
        }
    }

    /** Whether any of the projections looks at payloads, so the read must fetch and decode them. */
    public boolean needsPayload() {
        return running.stream().anyMatch(r -> r.projection.needsPayload());
    }

    public long eventCount() {
        return eventCount;
    }

    /** Each projection's view by name, in the order the projections were given. */
    public Map<String, Object> views() {
        Map<String, Object> views = new LinkedHashMap<>();
        running.forEach(r -> views.put(r.projection.name(), r.view()));
        return views;
    }

    private static final class Running<S> {
        private final Projection<S> projection;
        private S state;

        Running(Projection<S> projection) {
            this.projection = projection;
            this.state = projection.initialState();
        }

        void apply(RecordedEvent event) {
            state = projection.apply(state, event);
        }

        Object view() {
            return projection.view(state);
        }
    }
}
