package com.sevenmind.eventstore.history;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.sevenmind.eventstore.api.Content;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fold's state: one small {@link SessionState} per session id. Contents and time zones repeat across sessions,
 * so one shared instance of each is kept instead of one per session. Saved in snapshots as {@link Saved}.
 */
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
     * (-1: none). A long history saves and loads as a few arrays, not tens of thousands of small objects.
     */
    record Saved(List<Content> contents, List<String> zones, List<String> sessionIds, int[] content, int[] starts,
                 long[] startMicros, int[] startZone, int[] ends, long[] endMicros, int[] endZone, byte[] outcome) {
    }

    @JsonValue
    Saved saved() {
        Map<Content, Integer> contentIndex = new IdentityHashMap<>();
        List<Content> contentList = new ArrayList<>(contents.values());
        contentList.forEach(c -> contentIndex.put(c, contentIndex.size()));
        Map<ZoneId, Integer> zoneIndex = new IdentityHashMap<>();
        List<String> zoneNames = new ArrayList<>(zones.size());
        zones.forEach((name, zone) -> {
            zoneIndex.put(zone, zoneNames.size());
            zoneNames.add(name);
        });
        int n = sessions.size();
        Saved saved = new Saved(contentList, zoneNames, new ArrayList<>(n), new int[n], new int[n], new long[n],
                new int[n], new int[n], new long[n], new int[n], new byte[n]);
        int i = 0;
        for (SessionState s : sessions.values()) {
            saved.sessionIds.add(s.sessionId);
            saved.content[i] = contentIndex.get(s.content);
            saved.starts[i] = s.starts;
            saved.startMicros[i] = s.startMicros;
            saved.startZone[i] = s.startZone == null ? -1 : zoneIndex.get(s.startZone);
            saved.ends[i] = s.ends;
            saved.endMicros[i] = s.endMicros;
            saved.endZone[i] = s.endZone == null ? -1 : zoneIndex.get(s.endZone);
            saved.outcome[i] = s.outcome;
            i++;
        }
        return saved;
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
