package com.sevenmind.eventstore.testkit;

import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One projection per rule of {@link ProjectionContract}, each breaking that rule alone, and one keeping them all. */
final class BrokenProjections {

    private BrokenProjections() {
    }

    /** Counts events and completions in a mutable state changed in place, saved in snapshots: keeps every rule. */
    static final class Tallies implements Projection<Tallies.Tally> {

        /** Jackson writes public fields and getters. */
        public static final class Tally {
            public long events;
            public long completed;
        }

        @Override
        public String name() {
            return "tallies";
        }

        @Override
        public Tally initialState() {
            return new Tally();
        }

        @Override
        public Tally apply(Tally t, RecordedEvent e) {
            t.events++;
            t.completed += e.eventType().equals("ContentPieceCompleted") ? 1 : 0;
            return t;
        }

        @Override
        public Object view(Tally t) {
            return Map.of("events", t.events, "completed", t.completed);
        }

        @Override
        public boolean needsPayload() {
            return false;
        }

        @Override
        public Optional<Class<Tally>> snapshotType() {
            return Optional.of(Tally.class);
        }
    }

    /** Its completions are a private field without a getter: JSON leaves them out, so a snapshot loses them. */
    static final class LosesStateInSnapshots implements Projection<LosesStateInSnapshots.Tally> {

        public static final class Tally {
            public long events;
            private long completed;
        }

        @Override
        public String name() {
            return "loses-state";
        }

        @Override
        public Tally initialState() {
            return new Tally();
        }

        @Override
        public Tally apply(Tally t, RecordedEvent e) {
            t.events++;
            t.completed += e.eventType().equals("ContentPieceCompleted") ? 1 : 0;
            return t;
        }

        @Override
        public Object view(Tally t) {
            return Map.of("events", t.events, "completed", t.completed);
        }

        @Override
        public Optional<Class<Tally>> snapshotType() {
            return Optional.of(Tally.class);
        }
    }

    /** Hands out one set as every initial state. */
    static final class SharedInitialState implements Projection<Set<String>> {

        private final Set<String> shared = new HashSet<>();

        @Override
        public String name() {
            return "shared-initial";
        }

        @Override
        public Set<String> initialState() {
            return shared;
        }

        @Override
        public Set<String> apply(Set<String> sessions, RecordedEvent e) {
            if (e.event() instanceof ContentPieceEvent c) {
                sessions.add(c.sessionId());
            }
            return sessions;
        }

        @Override
        public Object view(Set<String> sessions) {
            return Map.of("sessions", sessions.size());
        }
    }

    /** Counts in a field of its own, across every fold, instead of in the state. */
    static final class CountsInAField implements Projection<Long> {

        private long applied;

        @Override
        public String name() {
            return "counts-in-a-field";
        }

        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long apply(Long events, RecordedEvent e) {
            return ++applied;
        }

        @Override
        public Object view(Long events) {
            return Map.of("events", events);
        }
    }

    /** Its view is an object Jackson has nothing to write of. */
    static final class UnwritableView implements Projection<Long> {

        @Override
        public String name() {
            return "unwritable";
        }

        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long apply(Long events, RecordedEvent e) {
            return events + 1;
        }

        @Override
        public Object view(Long events) {
            return new Object();
        }
    }

    /** Its view counts itself into the state. */
    static final class ViewChangesState implements Projection<long[]> {

        @Override
        public String name() {
            return "view-changes-state";
        }

        @Override
        public long[] initialState() {
            return new long[1];
        }

        @Override
        public long[] apply(long[] state, RecordedEvent e) {
            return state;
        }

        @Override
        public Object view(long[] state) {
            return Map.of("views", ++state[0]);
        }
    }

    /** Its view wraps the state's set instead of copying it: written later, it shows what was folded since. */
    static final class ViewSharesState implements Projection<Set<String>> {

        @Override
        public String name() {
            return "view-shares-state";
        }

        @Override
        public Set<String> initialState() {
            return new LinkedHashSet<>();
        }

        @Override
        public Set<String> apply(Set<String> sessions, RecordedEvent e) {
            sessions.add(e.event().sessionId());
            return sessions;
        }

        @Override
        public Object view(Set<String> sessions) {
            return Map.of("sessions", Collections.unmodifiableSet(sessions));
        }
    }

    /** Says it needs no payload, then reads it. */
    static final class ReadsAPayloadItSaidItDoesNotNeed implements Projection<Long> {

        @Override
        public String name() {
            return "payload-unannounced";
        }

        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long apply(Long sessions, RecordedEvent e) {
            return e.event() instanceof ContentPieceEvent c ? sessions + c.sessionId().length() : sessions;
        }

        @Override
        public Object view(Long sessions) {
            return sessions;
        }

        @Override
        public boolean needsPayload() {
            return false;
        }
    }

    /**
     * Counts the recordings played, by the content's recording id; names the recording id only when {@code honest},
     * else only the session: a read that decodes what it names leaves the id null.
     */
    static final class RecordingsPlayed implements Projection<Long> {

        private final boolean honest;

        RecordingsPlayed(boolean honest) {
            this.honest = honest;
        }

        @Override
        public String name() {
            return honest ? "recordings" : "recordings-unnamed";
        }

        @Override
        public Long initialState() {
            return 0L;
        }

        @Override
        public Long apply(Long played, RecordedEvent e) {
            return e.event() instanceof ContentPieceEvent c && c.content().recordingId() != null ? played + 1 : played;
        }

        @Override
        public Object view(Long played) {
            return played;
        }

        @Override
        public Set<String> payloadFields() {
            return honest ? Set.of("content.recording_id") : Set.of("session_id");
        }
    }
}
