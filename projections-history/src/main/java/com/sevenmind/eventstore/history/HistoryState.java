package com.sevenmind.eventstore.history;

import com.sevenmind.eventstore.api.Content;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * The fold's state: one small {@link SessionState} per session id. Contents and time zones repeat across sessions,
 * so one shared instance of each is kept instead of one per session.
 */
public final class HistoryState {

    final Map<String, SessionState> sessions = new HashMap<>();
    private final Map<String, Content> contents = new HashMap<>();
    private final Map<String, ZoneId> zones = new HashMap<>();

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
}
