package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/** Whether a History answer agrees with itself: its content rows are its sessions counted by content piece. */
final class ConsistentHistory {

    private ConsistentHistory() {
    }

    static void check(JsonNode history) {
        Map<String, String> fromSessions = new TreeMap<>();
        Map<String, long[]> counts = new TreeMap<>();
        for (JsonNode s : history.get("sessions")) {
            long[] c = counts.computeIfAbsent(s.get("object_uri").asText(), u -> new long[4]);
            c[0]++;
            c[switch (s.get("outcome").asText()) {
                case "completed" -> 1;
                case "cancelled" -> 2;
                default -> 3;
            }]++;
        }
        counts.forEach((uri, c) -> fromSessions.put(uri, c[0] + " sessions, " + c[1] + " completed, " + c[2]
                + " cancelled, " + c[3] + " in progress"));
        Map<String, String> content = new TreeMap<>();
        for (JsonNode row : history.get("content")) {
            content.put(row.get("object_uri").asText(), row.get("sessions").asLong() + " sessions, "
                    + row.get("completed").asLong() + " completed, " + row.get("cancelled").asLong() + " cancelled, "
                    + row.get("in_progress").asLong() + " in progress");
        }
        assertEquals(fromSessions, content, "History's content rows disagree with its own sessions: " + history);
    }
}
