package com.sevenmind.eventstore.history;

import com.sevenmind.eventstore.api.TextView;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The History view: {@code {"sessions":[…],"content":[…]}}.
 *
 * <p>Rules, which make the answer independent of arrival order:
 * <ul>
 *   <li>A session is every event of the user with the same session_id; its object_uri and content_kind
 *       ({@code single}, {@code course} or {@code unknown}) are its first event's.</li>
 *   <li>started_at: the earliest Started by (timestamp, unique_id); none: null and {@code missing_start}; more
 *       than one: {@code multiple_starts}.</li>
 *   <li>The ending is the terminal event (Completed, Cancelled) greatest by (timestamp, unique_id): it gives outcome
 *       and ended_at; none: outcome {@code in_progress}, ended_at null; more than one: {@code multiple_ends}.</li>
 *   <li>duration_seconds: ended_at − started_at when both exist and the end is not before the start; an end before
 *       the start: null and {@code ended_before_start}.</li>
 *   <li>local_date: the date of started_at (else ended_at) in the time zone of that event.</li>
 *   <li>Sessions sorted by (started_at, else ended_at), then session_id; anomalies by name.</li>
 *   <li>content: a row per object_uri, sorted by last_played_at (latest ended_at, else started_at) descending,
 *       then object_uri.</li>
 * </ul>
 * Sessions are turned into rows only while they are written out, so a huge history costs its compact state only.
 * The view holds the sessions as they were when taken: the state copies a session before it changes one a view
 * may hold ({@link HistoryState#sessionsForView()}), so what the view writes never changes when the state is folded
 * on.
 */
public record History(List<SessionRow> sessions, List<ContentRow> content) implements TextView {

    /** One session. Timestamps are UTC instants with their microseconds; duration_seconds is fractional. */
    public record SessionRow(String sessionId, String objectUri, String contentKind, Instant startedAt,
                             Instant endedAt, String outcome, Double durationSeconds, LocalDate localDate,
                             List<String> anomalies) {
    }

    /** One content piece over the user's sessions. */
    public record ContentRow(String objectUri, long sessions, long completed, long cancelled, long inProgress,
                             Instant lastPlayedAt) {
    }

    private static final Comparator<SessionState> SESSION_ORDER =
            Comparator.comparingLong(SessionState::sortMicros).thenComparing(SessionState::sessionId);

    static History of(HistoryState state) {
        SessionState[] sorted = state.sessionsForView();
        Arrays.sort(sorted, SESSION_ORDER);
        return new History(new Rows(sorted), content(sorted));
    }

    private static List<ContentRow> content(SessionState[] sessions) {
        Map<String, long[]> byUri = new HashMap<>(); // sessions, completed, cancelled, in progress, last played
        for (SessionState s : sessions) {
            long[] c = byUri.computeIfAbsent(s.content.objectUri(), u -> new long[] {0, 0, 0, 0, Long.MIN_VALUE});
            c[0]++;
            c[1 + outcomeIndex(s.outcome)]++;
            c[4] = Math.max(c[4], s.lastPlayedMicros());
        }
        List<ContentRow> rows = new ArrayList<>(byUri.size());
        byUri.forEach((uri, c) -> rows.add(new ContentRow(uri, c[0], c[1], c[2], c[3], instant(c[4]))));
        rows.sort(Comparator.comparing(ContentRow::lastPlayedAt).reversed().thenComparing(ContentRow::objectUri));
        return List.copyOf(rows);
    }

    private static int outcomeIndex(byte outcome) {
        return outcome == SessionState.COMPLETED ? 0 : outcome == SessionState.CANCELLED ? 1 : 2;
    }

    static SessionRow row(SessionState s) {
        Instant startedAt = s.starts > 0 ? instant(s.startMicros) : null;
        Instant endedAt = s.ends > 0 ? instant(s.endMicros) : null;
        List<String> anomalies = new ArrayList<>(2);
        Double duration = null;
        if (s.endedBeforeStart()) {
            anomalies.add("ended_before_start");
        } else if (startedAt != null && endedAt != null) {
            duration = (s.endMicros - s.startMicros) / 1_000_000.0;
        }
        if (s.starts == 0) {
            anomalies.add("missing_start");
        }
        if (s.ends > 1) {
            anomalies.add("multiple_ends");
        }
        if (s.starts > 1) {
            anomalies.add("multiple_starts");
        }
        ZoneId zone = startedAt != null ? s.startZone : s.endZone;
        LocalDate localDate = (startedAt != null ? startedAt : endedAt).atZone(zone).toLocalDate();
        String outcome = s.outcome == SessionState.COMPLETED ? "completed"
                : s.outcome == SessionState.CANCELLED ? "cancelled" : "in_progress";
        return new SessionRow(s.sessionId(), s.content.objectUri(), s.content.kind(), startedAt, endedAt, outcome,
                duration, localDate, List.copyOf(anomalies));
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** A readable table, most recent sessions first, under a one-line summary of the anomalies. */
    @Override
    public void printText(PrintWriter out, String indent) {
        Map<String, Integer> anomalies = new TreeMap<>();
        for (SessionRow row : sessions) {
            row.anomalies().forEach(a -> anomalies.merge(a, 1, Integer::sum));
        }
        out.printf("%s%,d sessions of %,d content pieces; anomalies: %s%n", indent, sessions.size(), content.size(),
                anomalies.isEmpty() ? "none" : anomalies.entrySet().stream()
                        .map(e -> String.format("%,d %s", e.getValue(), e.getKey())).reduce((a, b) -> a + ", " + b)
                        .orElseThrow());
        String sessionFormat = "%s%-27s  %-27s  %-11s  %10s  %-10s  %-36s  %s%s%n";
        out.printf(sessionFormat, indent, "STARTED_AT", "ENDED_AT", "OUTCOME", "DURATION", "LOCAL_DATE", "SESSION_ID",
                "OBJECT_URI", "");
        for (int i = sessions.size() - 1; i >= 0; i--) {
            SessionRow r = sessions.get(i);
            out.printf(sessionFormat, indent, text(r.startedAt()), text(r.endedAt()), r.outcome(),
                    r.durationSeconds() == null ? "-" : String.format("%.1f s", r.durationSeconds()), r.localDate(),
                    r.sessionId(), r.objectUri(), r.anomalies().isEmpty() ? "" : "  ! " + String.join(", ", r.anomalies()));
        }
        out.println(indent + "content, most recently played first");
        String contentFormat = "%s%-27s  %8s  %9s  %9s  %11s  %s%n";
        out.printf(contentFormat, indent, "LAST_PLAYED_AT", "SESSIONS", "COMPLETED", "CANCELLED", "IN_PROGRESS",
                "OBJECT_URI");
        for (ContentRow c : content) {
            out.printf(contentFormat, indent, text(c.lastPlayedAt()), c.sessions(), c.completed(), c.cancelled(),
                    c.inProgress(), c.objectUri());
        }
    }

    private static String text(Instant instant) {
        return instant == null ? "-" : DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /** The sorted sessions (which the state no longer changes) as rows, each made when it is read. */
    private static final class Rows extends AbstractList<SessionRow> {
        private final SessionState[] sorted;

        Rows(SessionState[] sorted) {
            this.sorted = sorted;
        }

        @Override
        public SessionRow get(int index) {
            return row(sorted[index]);
        }

        @Override
        public int size() {
            return sorted.length;
        }
    }
}
