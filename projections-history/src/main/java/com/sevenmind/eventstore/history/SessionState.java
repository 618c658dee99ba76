package com.sevenmind.eventstore.history;

import com.sevenmind.eventstore.api.Content;
import java.time.ZoneId;

/**
 * What History keeps of one session while the stream goes by: a few numbers and shared references, never the
 * events. The stream comes in (timestamp, unique_id) order, so the first Started seen is the earliest and the last
 * terminal event seen is the greatest: no unique_id needs keeping for the tie-break.
 */
final class SessionState {

    static final byte IN_PROGRESS = 0;
    static final byte COMPLETED = 1;
    static final byte CANCELLED = 2;

    /** The session id as {@link Packed#key} keeps it. */
    final Object key;
    final Content content;
    /** The {@link HistoryState#generation} it was made in: a view taken since may hold it, so it is not changed. */
    final int generation;
    /** Its place in {@link HistoryState}'s order of sessions. */
    final int position;
    int starts;
    long startMicros;
    ZoneId startZone;
    int ends;
    long endMicros;
    ZoneId endZone;
    byte outcome = IN_PROGRESS;

    SessionState(Object key, Content content, int generation, int position) {
        this.key = key;
        this.content = content;
        this.generation = generation;
        this.position = position;
    }

    /** A copy to fold on into, of {@code generation}: its content and zones are immutable, so shared. */
    SessionState copy(int generation) {
        SessionState copy = new SessionState(key, content, generation, position);
        copy.starts = starts;
        copy.startMicros = startMicros;
        copy.startZone = startZone;
        copy.ends = ends;
        copy.endMicros = endMicros;
        copy.endZone = endZone;
        copy.outcome = outcome;
        return copy;
    }

    void start(long micros, ZoneId zone) {
        if (starts++ == 0) {
            startMicros = micros;
            startZone = zone;
        }
    }

    void end(long micros, ZoneId zone, byte how) {
        ends++;
        endMicros = micros;
        endZone = zone;
        outcome = how;
    }

    String sessionId() {
        return key.toString();
    }

    /** The session's place in the output: started_at, else ended_at. */
    long sortMicros() {
        return starts > 0 ? startMicros : endMicros;
    }

    /** last_played_at: ended_at, else started_at. */
    long lastPlayedMicros() {
        return ends > 0 ? endMicros : startMicros;
    }

    boolean endedBeforeStart() {
        return starts > 0 && ends > 0 && endMicros < startMicros;
    }
}
