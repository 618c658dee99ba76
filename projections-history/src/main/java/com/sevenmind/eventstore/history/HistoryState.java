package com.sevenmind.eventstore.history;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.sevenmind.eventstore.api.Content;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fold's state: one small {@link SessionState} per session id. Contents and time zones repeat across sessions,
 * so one shared instance of each is kept instead of one per session. Saved in snapshots as {@link Saved}.
 */
@JsonSerialize(using = HistoryState.Writer.class)
public final class HistoryState {

    /**
     * Lookups a state read from a snapshot answers by walking {@link #order} before it builds {@link #index}. For
     * 55,228 sessions a whole walk took 0.7-1 ms and building the index 3.7-5.5 ms; a read after one new event
     * needs one lookup, and the newest sessions, walked first, are the likeliest to be looked up.
     */
    private static final int WALKS_BEFORE_INDEX = 2;

    /** In the order first seen: nearly the view's order, which then sorts in about linear time. */
    private final List<SessionState> order;
    /**
     * Each session by its id's {@link Packed#key}; null in a state read from a snapshot until more lookups than it is
     * worth.
     */
    private Map<Object, SessionState> index;
    private int walks;
    private final Map<String, Content> contents = new HashMap<>();
    private final Map<String, ZoneId> zones = new HashMap<>();
    /**
     * The session looked up last. A session's events mostly follow each other in a user's stream, so this spares
     * most of a long history's lookups in a map too large for the CPU's caches.
     */
    private SessionState last;
    /** How many views have taken the sessions: see {@link #sessionsForView()}. */
    private int generation;

    public HistoryState() {
        this.order = new ArrayList<>();
        this.index = new HashMap<>();
    }

    /** A state read from a snapshot, of {@code sessions} sessions, without its index yet. */
    private HistoryState(int sessions) {
        this.order = new ArrayList<>(sessions);
    }

    /** The session to fold an event of into: made when new, copied first when a view taken may hold it. */
    SessionState session(String sessionId, Content content) {
        Object key = Packed.key(sessionId);
        if (last != null && last.key.equals(key)) {
            return last;
        }
        SessionState session = find(key);
        if (session == null) {
            session = new SessionState(key, contents.computeIfAbsent(content.objectUri(), u -> content),
                    generation, order.size());
            order.add(session);
            indexed(session);
        } else if (session.generation != generation) {
            session = session.copy(generation);
            order.set(session.position, session);
            indexed(session);
        }
        last = session;
        return session;
    }

    private SessionState find(Object key) {
        if (index == null && walks++ < WALKS_BEFORE_INDEX) {
            for (int i = order.size() - 1; i >= 0; i--) {
                if (order.get(i).key.equals(key)) {
                    return order.get(i);
                }
            }
            return null;
        }
        if (index == null) {
            index = new HashMap<>(Math.max(16, (int) (order.size() / 0.75f) + 1));
            order.forEach(this::indexed);
        }
        return index.get(key);
    }

    private void indexed(SessionState session) {
        if (index != null) {
            index.put(session.key, session);
        }
    }

    /**
     * The sessions as they are, for a view to keep: from now on a session is copied before it changes, so what
     * the view holds never does, and a view costs an array of references instead of a copy of every session.
     */
    SessionState[] sessionsForView() {
        SessionState[] held = order.toArray(new SessionState[0]);
        generation++;
        last = null;
        return held;
    }

    ZoneId zone(String timezone) {
        return zones.computeIfAbsent(timezone, ZoneId::of);
    }

    /**
     * The saved state: the shared contents and zone names, and the sessions as one block of bytes, each session in
     * the order first seen as {@link Packed} lays it out. A long history loads in one pass over its bytes, with no
     * parser's token per field, and builds its map of sessions by id only when a fold needs it.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Saved(List<Content> contents, List<String> zones, int count, byte[] sessions) {
    }

    /** Writes the fields of {@link Saved} from the sessions as they are. */
    static final class Writer extends StdSerializer<HistoryState> {

        Writer() {
            super(HistoryState.class);
        }

        @Override
        public void serialize(HistoryState state, JsonGenerator g, SerializerProvider provider) throws IOException {
            Map<Content, Integer> contentIndex = new IdentityHashMap<>();
            List<Content> contents = new ArrayList<>(state.contents.values());
            contents.forEach(c -> contentIndex.put(c, contentIndex.size()));
            Map<ZoneId, Integer> zoneIndex = new IdentityHashMap<>();
            List<String> zoneNames = new ArrayList<>(state.zones.size());
            state.zones.forEach((name, zone) -> {
                zoneIndex.put(zone, zoneNames.size());
                zoneNames.add(name);
            });
            Packed.Out out = new Packed.Out(state.order.size());
            long previousStart = 0;
            for (SessionState s : state.order) {
                out.key(s.key);
                out.natural(contentIndex.get(s.content));
                out.natural(s.starts);
                out.signed(s.startMicros - previousStart);
                out.natural(s.startZone == null ? 0 : zoneIndex.get(s.startZone) + 1);
                out.natural(s.ends);
                out.signed(s.endMicros - s.startMicros);
                out.natural(s.endZone == null ? 0 : zoneIndex.get(s.endZone) + 1);
                out.natural(s.outcome);
                previousStart = s.startMicros;
            }
            g.writeStartObject();
            g.writeFieldName("contents");
            provider.defaultSerializeValue(contents, g);
            g.writeFieldName("zones");
            provider.defaultSerializeValue(zoneNames, g);
            g.writeNumberField("count", state.order.size());
            g.writeFieldName("sessions");
            g.writeBinary(out.bytes(), 0, out.size());
            g.writeEndObject();
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static HistoryState of(Saved saved) {
        HistoryState state = new HistoryState(saved.count);
        saved.contents.forEach(c -> state.contents.put(c.objectUri(), c));
        List<ZoneId> zones = saved.zones.stream().map(state::zone).toList();
        Packed.In in = new Packed.In(saved.sessions);
        long previousStart = 0;
        for (int i = 0; i < saved.count; i++) {
            SessionState s = new SessionState(in.key(), saved.contents.get(in.natural()), state.generation, i);
            s.starts = in.natural();
            s.startMicros = previousStart + in.signed();
            s.startZone = zone(zones, in.natural());
            s.ends = in.natural();
            s.endMicros = s.startMicros + in.signed();
            s.endZone = zone(zones, in.natural());
            s.outcome = (byte) in.natural();
            previousStart = s.startMicros;
            state.order.add(s);
        }
        in.end();
        return state;
    }

    private static ZoneId zone(List<ZoneId> zones, int saved) {
        return saved == 0 ? null : zones.get(saved - 1);
    }
}
