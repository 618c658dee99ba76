package com.sevenmind.eventstore.content;

import com.google.auto.service.AutoService;
import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code content}: per piece of content ({@code object_uri}), across all users, how often it was started, completed
 * and cancelled (stored events: a duplicate is stored once), and the share of starts that were completed.
 */
@AutoService(GlobalProjection.class)
public final class ContentProjection implements GlobalProjection<ContentProjection.State> {

    /** The counts by object_uri; changed in place by {@link #apply}, as the engine allows. */
    public record State(TreeMap<String, long[]> counts) {
    }

    /** A row of the view. */
    public record Row(String objectUri, long started, long completed, long cancelled, Double completionRate) {
    }

    @Override
    public String name() {
        return "content";
    }

    @Override
    public State initialState() {
        return new State(new TreeMap<>());
    }

    @Override
    public State apply(State state, RecordedEvent recorded) {
        int column = switch (recorded.eventType()) {
            case "ContentPieceStarted" -> 0;
            case "ContentPieceCompleted" -> 1;
            case "ContentPieceCancelled" -> 2;
            default -> -1;
        };
        if (column >= 0) {
            state.counts().computeIfAbsent(recorded.event().objectUri(), uri -> new long[3])[column]++;
        }
        return state;
    }

    /** One row per object_uri, in its order; the completion rate is null for content never started. */
    @Override
    public List<Row> view(State state) {
        List<Row> rows = new ArrayList<>(state.counts().size());
        for (Map.Entry<String, long[]> e : state.counts().entrySet()) {
            long[] c = e.getValue();
            rows.add(new Row(e.getKey(), c[0], c[1], c[2], c[0] == 0 ? null : (double) c[1] / c[0]));
        }
        return rows;
    }

    @Override
    public Class<State> stateType() {
        return State.class;
    }
}
