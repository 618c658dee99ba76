package com.sevenmind.eventstore.history;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * The fold's state: one small {@link SessionState} per session id. Object URIs and time zones repeat across
 * sessions, so one shared instance of each is kept instead of one per session.
 */
public final class HistoryState {

    final Map<String, SessionState> sessions = new HashMap<>();
    private final Map<String, String> uris = new HashMap<>();
    private final Map<String, ZoneId> zones = new HashMap<>();

    SessionState session(String sessionId, String objectUri) {
        SessionState session = sessions.get(sessionId);
        if (session == null) {
            session = new SessionState(sessionId, uris.computeIfAbsent(objectUri, u -> u));
            sessions.put(sessionId, session);
        }
        return session;
    }

    ZoneId zone(String timezone) {
        return zones.computeIfAbsent(timezone, ZoneId::of);
    }
}
