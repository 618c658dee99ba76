package com.sevenmind.eventstore.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.SnapshotFormat;
import com.sevenmind.eventstore.testkit.UserStreams.UserStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** The rules of {@link ProjectionContract}, run on one projection and its streams. */
final class Checks<S> {

    /** How much of a saved state a message shows. */
    private static final int STATE_SHOWN = 300;

    private final Projection<S> projection;
    private final List<UserStream> streams;
    private final ObjectMapper mapper = Json.newObjectMapper();
    private final SnapshotFormat format = new SnapshotFormat(mapper);
    /** Each stream's view folded in one pass, by user. */
    private final Map<UUID, JsonNode> onePass = new HashMap<>();
    private JsonNode initialView;

    @SuppressWarnings("unchecked") // S is the projection's own state type; only its own states are handed back
    Checks(Projection<?> projection, List<UserStream> streams) {
        this.projection = (Projection<S>) projection;
        this.streams = streams;
    }

    void run() {
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("the event source of " + named() + " gave no events to check with");
        }
        viewsAreJson();
        initialStateIsFresh();
        applyDependsOnItsArgumentsOnly();
        stateSurvivesSnapshots();
        viewIsAValue();
        namedFieldsAreAllItReads();
    }

    private void viewsAreJson() {
        String rule = "its view must serialize to JSON, the same each time it is taken";
        initialView = json(rule, projection.initialState(), "before any event");
        for (UserStream stream : streams) {
            S state = fold(projection.initialState(), stream, 0, stream.events().size());
            String where = "of user " + stream.user() + " after its " + stream.events().size() + " events";
            JsonNode first = json(rule, state, where);
            String changed = JsonDifference.of(first, json(rule, state, where));
            if (changed != null) {
                throw fail(rule, "the view " + where + " differed the second time it was taken (does view change "
                        + "the state?) " + changed);
            }
            onePass.put(stream.user(), first);
        }
    }

    private void initialStateIsFresh() {
        UserStream longest = streams.stream().max(Comparator.comparingInt(s -> s.events().size())).orElseThrow();
        S other = projection.initialState();
        fold(projection.initialState(), longest, 0, longest.events().size());
        String rule = "initialState() must return a fresh state";
        for (S initial : List.of(other, projection.initialState())) {
            String changed = JsonDifference.of(initialView, json(rule, initial, "of an initial state"));
            if (changed != null) {
                throw fail(rule, "folding user " + longest.user() + "'s " + longest.events().size()
                        + " events into one initial state changed the view of another, " + changed);
            }
        }
    }

    private void applyDependsOnItsArgumentsOnly() {
        for (int i = 0; i < streams.size(); i++) {
            UserStream a = streams.get(i);
            UserStream b = streams.get((i + 1) % streams.size());
            S stateA = projection.initialState();
            S stateB = b == a ? null : projection.initialState();
            for (int e = 0; e < Math.max(a.events().size(), b.events().size()); e++) {
                if (e < a.events().size()) {
                    stateA = fold(stateA, a, e, e + 1);
                }
                if (stateB != null && e < b.events().size()) {
                    stateB = fold(stateB, b, e, e + 1);
                }
            }
            sameAsOnePass(a, stateA, b);
            if (stateB != null) {
                sameAsOnePass(b, stateB, a);
            }
        }
    }

    private void sameAsOnePass(UserStream stream, S state, UserStream beside) {
        String rule = "apply must depend on its arguments only";
        String changed = JsonDifference.of(onePass.get(stream.user()), json(rule, state, "of a second fold"));
        if (changed != null) {
            throw fail(rule, "user " + stream.user() + "'s " + stream.events().size() + " events folded again"
                    + (beside == stream ? "" : ", interleaved with user " + beside.user() + "'s "
                    + beside.events().size() + " events,") + " gave another view than folded alone, " + changed);
        }
    }

    private void stateSurvivesSnapshots() {
        Class<S> type = projection.snapshotType().orElse(null);
        if (type == null) {
            return; // never saved: the engine always folds it from the first event
        }
        String rule = "its state must survive the snapshot round trip";
        for (UserStream stream : streams) {
            int n = stream.events().size();
            for (int split : splits(n)) {
                String where = "user " + stream.user() + "'s " + n + " events, split " + split(stream, split);
                byte[] saved = save(rule, fold(projection.initialState(), stream, 0, split), where);
                // As saved, and as the JSON a saved state is exported and was saved as before the binary format.
                for (boolean asJson : new boolean[] {false, true}) {
                    S read;
                    try {
                        read = format.read(asJson ? format.json(saved).getBytes(StandardCharsets.UTF_8) : saved,
                                type);
                    } catch (IOException | RuntimeException e) {
                        throw fail(rule, where + ": the saved state cannot be read back" + (asJson ? " from its JSON"
                                : "") + " as " + type.getName() + ": " + e.getMessage() + "; it was saved as "
                                + shown(saved), e);
                    }
                    String changed = JsonDifference.of(onePass.get(stream.user()),
                            json(rule, fold(read, stream, split, n), "of a fold continued from a saved state"));
                    if (changed != null) {
                        throw fail(rule, where + ": folding in two passes, the state saved and read back"
                                + (asJson ? " from its JSON" : "") + " in between, gave another view than one pass, "
                                + changed + "; the saved state: " + shown(saved));
                    }
                }
            }
        }
    }

    /**
     * A view taken, then its state folded on, must write what it wrote when taken: the engine folds a state on
     * after a read has taken its views, and an answer may be written, or kept, after that.
     */
    private void viewIsAValue() {
        String rule = "its view must not change when the state is folded on";
        for (UserStream stream : streams) {
            int n = stream.events().size();
            for (int split : splits(n)) {
                if (split == n) {
                    continue;
                }
                String where = "user " + stream.user() + "'s " + n + " events, the view taken " + split(stream, split);
                S state = fold(projection.initialState(), stream, 0, split);
                JsonNode atOnce = json(rule, state, where);
                Object taken = projection.view(state);
                fold(state, stream, split, n);
                String changed = JsonDifference.of(atOnce, written(rule, taken, where));
                if (changed != null) {
                    throw fail(rule, where + " and written after the " + (n - split) + " events after it were "
                            + "folded into its state gave another JSON than written at once (does the view read the "
                            + "state while it is written?) " + changed);
                }
            }
        }
    }

    /**
     * With {@code payloadFields()} named, each stream read back from stored payloads decoding only those fields must
     * give the view it gives decoded whole, old versions upcast included.
     */
    private void namedFieldsAreAllItReads() {
        Set<String> fields = projection.payloadFields();
        if (!projection.needsPayload() || fields.isEmpty()) {
            return;
        }
        String rule = "payloadFields() must name every payload field apply reads";
        StoredStreams stored = new StoredStreams();
        for (UserStream stream : streams) {
            UserStream whole = stored.decoded(stream, Set.of());
            UserStream named = stored.decoded(stream, fields);
            int n = stream.events().size();
            String where = "of user " + stream.user() + "'s " + n + " events";
            String changed = JsonDifference.of(json(rule, fold(projection.initialState(), whole, 0, n), where),
                    json(rule, fold(projection.initialState(), named, 0, n), where));
            if (changed != null) {
                throw fail(rule, "user " + stream.user() + "'s " + n + " events, read with only "
                        + new TreeSet<>(fields) + " decoded, gave another view than decoded whole, " + changed);
            }
        }
    }

    /** Where a stream of {@code n} events is split in two: its ends, and a few places between. */
    private static TreeSet<Integer> splits(int n) {
        TreeSet<Integer> splits = new TreeSet<>(List.of(0, 1, n / 3, n / 2, 2 * n / 3, n - 1, n));
        splits.removeIf(split -> split < 0 || split > n);
        return splits;
    }

    private static String split(UserStream stream, int split) {
        if (split == 0) {
            return "before the first event";
        }
        RecordedEvent last = stream.events().get(split - 1);
        return "after event " + split + " (unique_id " + last.uniqueId() + ", " + last.eventType() + " at "
                + last.timestamp() + ")";
    }

    private byte[] save(String rule, S state, String where) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            format.write(state, out);
        } catch (IOException | RuntimeException e) {
            throw fail(rule, where + ": the state cannot be saved: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Folds events {@code [from, to)} of the stream into {@code state}. */
    private S fold(S state, UserStream stream, int from, int to) {
        for (int i = from; i < to; i++) {
            RecordedEvent event = stream.events().get(i);
            try {
                state = projection.apply(state, event);
            } catch (RuntimeException e) {
                throw fail("apply must fold every event", "it threw on event " + (i + 1) + " of user "
                        + stream.user() + "'s " + stream.events().size() + " (unique_id " + event.uniqueId() + ", "
                        + event.eventType() + "): " + e, e);
            }
        }
        return state;
    }

    private JsonNode json(String rule, S state, String where) {
        return written(rule, projection.view(state), where);
    }

    private JsonNode written(String rule, Object view, String where) {
        String text;
        try {
            text = mapper.writeValueAsString(view);
        } catch (IOException | RuntimeException e) {
            throw fail(rule, "the view " + where + " cannot be written as JSON: " + e.getMessage(), e);
        }
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            throw fail(rule, "the view " + where + " was written as JSON it cannot read back: " + e.getMessage(), e);
        }
    }

    /** The saved state's JSON, cut short. */
    private String shown(byte[] saved) {
        String text;
        try {
            text = format.json(saved);
        } catch (IOException e) {
            text = "(unreadable: " + e.getMessage() + ")";
        }
        return text.length() <= STATE_SHOWN ? text : text.substring(0, STATE_SHOWN) + "…";
    }

    private String named() {
        return "projection '" + projection.name() + "' (" + projection.getClass().getName() + ")";
    }

    private AssertionError fail(String rule, String detail) {
        return fail(rule, detail, null);
    }

    private AssertionError fail(String rule, String detail, Throwable cause) {
        return new AssertionError(named() + ": " + rule + ": " + detail, cause);
    }
}
