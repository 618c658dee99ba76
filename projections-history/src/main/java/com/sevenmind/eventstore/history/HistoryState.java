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
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The fold's state: one small {@link SessionState} per session id. Contents and time zones repeat across sessions,
 * so one shared instance of each is kept instead of one per session. Saved in snapshots as {@link Saved}.
 */
@JsonSerialize(using = HistoryState.Writer.class)
public final class HistoryState {

    /** In the order first seen: nearly the view's order, which then sorts in about linear time. */
    final Map<String, SessionState> sessions;
    private final Map<String, Content> contents = new HashMap<>();
    private final Map<String, ZoneId> zones = new HashMap<>();

    public HistoryState() {
        this(0);
    }

    private HistoryState(int sessions) {
        this.sessions = new LinkedHashMap<>(Math.max(16, (int) (sessions / 0.75f) + 1));
    }

    SessionState session(String sessionId, Content content) {
        SessionState session = sessions.get(sessionId);
        if (session == null) {
            session = new SessionState(sessionId, contents.computeIfAbsent(content.objectUri(), u -> content));
            sessions.put(sessionId, session);
        }
        return session;
    }

    ZoneId zone(String timezone) {
        return zones.computeIfAbsent(timezone, ZoneId::of);
    }

    /**
     * The state by columns: a session's content and zones are indexes into {@code contents} and {@code zones}
     * (-1: none). A long history saves and loads as a few arrays, not tens of thousands of small objects. Written
     * by {@link Writer} straight from the sessions, so that saving a huge state never holds a second copy of it.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Saved(List<Content> contents, List<String> zones, List<String> sessionIds, int[] content, int[] starts,
                 long[] startMicros, int[] startZone, int[] ends, long[] endMicros, int[] endZone, byte[] outcome) {
    }

    /** Writes the fields of {@link Saved}, column by column, from the sessions as they are. */
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
            Collection<SessionState> sessions = state.sessions.values();
            g.writeStartObject();
            g.writeFieldName("contents");
            provider.defaultSerializeValue(contents, g);
            g.writeFieldName("zones");
            provider.defaultSerializeValue(zoneNames, g);
            g.writeArrayFieldStart("session_ids");
            for (SessionState s : sessions) {
                g.writeString(s.sessionId);
            }
            g.writeEndArray();
            ints(g, "content", sessions, s -> contentIndex.get(s.content));
            ints(g, "starts", sessions, s -> s.starts);
            longs(g, "start_micros", sessions, s -> s.startMicros);
            ints(g, "start_zone", sessions, s -> s.startZone == null ? -1 : zoneIndex.get(s.startZone));
            ints(g, "ends", sessions, s -> s.ends);
            longs(g, "end_micros", sessions, s -> s.endMicros);
            ints(g, "end_zone", sessions, s -> s.endZone == null ? -1 : zoneIndex.get(s.endZone));
            byte[] outcome = new byte[sessions.size()];
            int i = 0;
            for (SessionState s : sessions) {
                outcome[i++] = s.outcome;
            }
            g.writeBinaryField("outcome", outcome);
            g.writeEndObject();
        }

        private static void ints(JsonGenerator g, String name, Collection<SessionState> sessions,
                                 ToIntFunction<SessionState> column) throws IOException {
            g.writeArrayFieldStart(name);
            for (SessionState s : sessions) {
                g.writeNumber(column.applyAsInt(s));
            }
            g.writeEndArray();
        }

        private static void longs(JsonGenerator g, String name, Collection<SessionState> sessions,
                                  ToLongFunction<SessionState> column) throws IOException {
            g.writeArrayFieldStart(name);
            for (SessionState s : sessions) {
                g.writeNumber(column.applyAsLong(s));
            }
            g.writeEndArray();
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static HistoryState of(Saved saved) {
        HistoryState state = new HistoryState(saved.sessionIds.size());
        saved.contents.forEach(c -> state.contents.put(c.objectUri(), c));
        List<ZoneId> zones = saved.zones.stream().map(state::zone).toList();
        for (int i = 0; i < saved.sessionIds.size(); i++) {
            SessionState s = new SessionState(saved.sessionIds.get(i), saved.contents.get(saved.content[i]));
            state.sessions.put(s.sessionId, s);
            s.starts = saved.starts[i];
            s.startMicros = saved.startMicros[i];
            s.startZone = saved.startZone[i] < 0 ? null : zones.get(saved.startZone[i]);
            s.ends = saved.ends[i];
            s.endMicros = saved.endMicros[i];
            s.endZone = saved.endZone[i] < 0 ? null : zones.get(saved.endZone[i]);
            s.outcome = saved.outcome[i];
        }
        return state;
    }
}
