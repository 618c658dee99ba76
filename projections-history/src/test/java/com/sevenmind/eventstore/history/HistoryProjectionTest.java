package com.sevenmind.eventstore.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.history.History.ContentRow;
import com.sevenmind.eventstore.history.History.SessionRow;
import com.sevenmind.eventstore.testkit.ProjectionContract;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HistoryProjectionTest {

    private static final UUID USER = UUID.fromString("44444444-4444-4444-8444-444444444444");
    private static final String SINGLE = "sevenmind://content/single/abc12/recording/xyz34";
    private static final String COURSE = "sevenmind://content/course/c0001/item/i0001/recording/r0001";

    private final List<Event> events = new ArrayList<>();

    private void started(String session, String uid, String at) {
        events.add(new ContentPieceStarted(USER, uid, session, Instant.parse(at), "Europe/Berlin", "de-DE", SINGLE));
    }

    private void completed(String session, String uid, String at) {
        events.add(new ContentPieceCompleted(USER, uid, session, Instant.parse(at), "Europe/Berlin", "de-DE", SINGLE));
    }

    private void cancelled(String session, String uid, String at) {
        events.add(new ContentPieceCancelled(USER, uid, session, Instant.parse(at), "Europe/Berlin", "de-DE", SINGLE));
    }

    /** Folds the events as the store streams them: by (timestamp, unique_id), whatever order they were added in. */
    private History history() {
        HistoryProjection projection = new HistoryProjection();
        HistoryState state = projection.initialState();
        List<Event> stream = events.stream()
                .sorted(Comparator.comparing(Event::timestamp).thenComparing(Event::uniqueId)).toList();
        for (Event e : stream) {
            state = projection.apply(state, new RecordedEvent(0, 1, Instant.EPOCH, e));
        }
        return projection.view(state);
    }

    private SessionRow only() {
        List<SessionRow> sessions = history().sessions();
        assertEquals(1, sessions.size());
        return sessions.get(0);
    }

    @Test
    void keeps_the_projection_contract() {
        ProjectionContract.verify(new HistoryProjection());
    }

    @Test
    void a_started_and_completed_session_has_its_outcome_duration_and_local_date() {
        completed("s", "2", "2024-05-01T10:12:30.000001Z");
        started("s", "1", "2024-05-01T10:00:00Z");

        assertEquals(new SessionRow("s", SINGLE, "single", Instant.parse("2024-05-01T10:00:00Z"),
                Instant.parse("2024-05-01T10:12:30.000001Z"), "completed", 750.000001, LocalDate.of(2024, 5, 1),
                List.of()), only());
    }

    @Test
    void a_session_without_start_is_missing_start_and_dated_by_its_end_in_the_end_events_zone() {
        events.add(new ContentPieceCancelled(USER, "1", "s", Instant.parse("2024-05-01T23:30:00Z"),
                "Asia/Tokyo", "ja-JP", SINGLE));

        SessionRow row = only();
        assertNull(row.startedAt());
        assertEquals("cancelled", row.outcome());
        assertNull(row.durationSeconds());
        assertEquals(LocalDate.of(2024, 5, 2), row.localDate(), "08:30 on May 2 in Tokyo");
        assertEquals(List.of("missing_start"), row.anomalies());
    }

    @Test
    void a_session_without_end_is_in_progress() {
        started("s", "1", "2024-05-01T10:00:00Z");

        SessionRow row = only();
        assertEquals("in_progress", row.outcome());
        assertNull(row.endedAt());
        assertNull(row.durationSeconds());
        assertEquals(List.of(), row.anomalies());
    }

    @Test
    void of_several_starts_the_earliest_counts_and_the_session_says_multiple_starts() {
        started("s", "b", "2024-05-01T10:05:00Z");
        started("s", "a", "2024-05-01T10:00:00Z");
        completed("s", "c", "2024-05-01T10:10:00Z");

        SessionRow row = only();
        assertEquals(Instant.parse("2024-05-01T10:00:00Z"), row.startedAt());
        assertEquals(600.0, row.durationSeconds());
        assertEquals(List.of("multiple_starts"), row.anomalies());
    }

    @Test
    void of_several_ends_the_latest_gives_the_outcome_and_the_session_says_multiple_ends() {
        started("s", "a", "2024-05-01T10:00:00Z");
        completed("s", "c", "2024-05-01T10:20:00Z");
        cancelled("s", "b", "2024-05-01T10:05:00Z");

        SessionRow row = only();
        assertEquals("completed", row.outcome());
        assertEquals(Instant.parse("2024-05-01T10:20:00Z"), row.endedAt());
        assertEquals(List.of("multiple_ends"), row.anomalies());
    }

    @Test
    void on_equal_timestamps_the_greater_unique_id_is_the_ending_and_the_smaller_the_start() {
        started("s", "s2", "2024-05-01T10:00:00Z");
        started("s", "s1", "2024-05-01T10:00:00Z");
        cancelled("s", "e1", "2024-05-01T10:30:00.5Z");
        completed("s", "e2", "2024-05-01T10:30:00.5Z");

        SessionRow row = only();
        assertEquals("completed", row.outcome(), "e2 > e1");
        assertEquals(1800.5, row.durationSeconds());
        assertEquals(List.of("multiple_ends", "multiple_starts"), row.anomalies());
    }

    @Test
    void a_start_and_end_on_the_same_microsecond_last_zero_seconds() {
        started("s", "1", "2024-05-01T10:00:00.123456Z");
        completed("s", "2", "2024-05-01T10:00:00.123456Z");

        assertEquals(0.0, only().durationSeconds());
    }

    @Test
    void an_end_before_the_start_has_no_duration_and_says_ended_before_start() {
        started("s", "1", "2024-05-01T10:00:00Z");
        cancelled("s", "2", "2024-05-01T09:59:00Z");
        started("t", "3", "2024-05-01T10:00:00Z");
        cancelled("t", "4", "2024-05-01T09:59:00Z");
        cancelled("t", "5", "2024-05-01T09:58:00Z");

        List<SessionRow> sessions = history().sessions();
        assertNull(sessions.get(0).durationSeconds());
        assertEquals(Instant.parse("2024-05-01T09:59:00Z"), sessions.get(0).endedAt());
        assertEquals(List.of("ended_before_start"), sessions.get(0).anomalies());
        assertEquals(List.of("ended_before_start", "multiple_ends"), sessions.get(1).anomalies());
    }

    @Test
    void a_session_crossing_local_midnight_is_dated_by_its_start() {
        started("s", "1", "2024-05-01T21:50:00Z"); // 23:50 in Berlin (CEST)
        completed("s", "2", "2024-05-01T22:10:00Z"); // 00:10 on May 2

        assertEquals(LocalDate.of(2024, 5, 1), only().localDate());
    }

    @Test
    void a_late_evening_utc_start_is_the_next_day_in_the_users_zone() {
        started("s", "1", "2024-05-01T22:30:00Z");

        assertEquals(LocalDate.of(2024, 5, 2), only().localDate());
    }

    @Test
    void the_object_uri_is_the_first_events_in_stream_order() {
        events.add(new ContentPieceStarted(USER, "1", "s", Instant.parse("2024-05-01T10:00:00Z"), "Europe/Berlin",
                "de-DE", COURSE));
        completed("s", "2", "2024-05-01T10:10:00Z");

        assertEquals(COURSE, only().objectUri());
        assertEquals("course", only().contentKind());
    }

    @Test
    void sessions_are_sorted_by_start_else_end_then_session_id_and_content_by_last_played_descending() {
        started("b", "1", "2024-05-01T10:00:00Z");
        completed("b", "2", "2024-05-01T10:30:00Z");
        started("a", "3", "2024-05-01T10:00:00Z");
        cancelled("c", "4", "2024-05-01T09:00:00Z");
        events.add(new ContentPieceStarted(USER, "5", "d", Instant.parse("2024-05-01T11:00:00Z"), "Europe/Berlin",
                "de-DE", COURSE));

        History history = history();
        assertEquals(List.of("c", "a", "b", "d"), history.sessions().stream().map(SessionRow::sessionId).toList());
        assertEquals(List.of(
                new ContentRow(COURSE, 1, 0, 0, 1, Instant.parse("2024-05-01T11:00:00Z")),
                new ContentRow(SINGLE, 3, 1, 1, 1, Instant.parse("2024-05-01T10:30:00Z"))), history.content());
    }

    @Test
    void the_json_has_the_documented_names_utc_timestamps_with_microseconds_and_nulls() throws Exception {
        started("s", "1", "2024-05-01T10:00:00.000001Z");
        cancelled("t", "2", "2024-05-01T11:00:00Z");
        ObjectMapper mapper = Json.newObjectMapper();

        assertEquals(mapper.readTree("""
                {"sessions":[
                  {"session_id":"s","object_uri":"%1$s","content_kind":"single","started_at":"2024-05-01T10:00:00.000001Z","ended_at":null,
                   "outcome":"in_progress","duration_seconds":null,"local_date":"2024-05-01","anomalies":[]},
                  {"session_id":"t","object_uri":"%1$s","content_kind":"single","started_at":null,"ended_at":"2024-05-01T11:00:00Z",
                   "outcome":"cancelled","duration_seconds":null,"local_date":"2024-05-01",
                   "anomalies":["missing_start"]}],
                 "content":[{"object_uri":"%1$s","sessions":2,"completed":0,"cancelled":1,"in_progress":1,
                   "last_played_at":"2024-05-01T11:00:00Z"}]}""".formatted(SINGLE)),
                mapper.readTree(mapper.writeValueAsString(history())));
    }

    @Test
    void the_text_table_lists_the_most_recent_session_first_under_an_anomaly_summary() {
        started("s", "1", "2024-05-01T10:00:00Z");
        cancelled("t", "2", "2024-05-01T11:00:00Z");
        StringWriter text = new StringWriter();

        history().printText(new PrintWriter(text, true), "");

        List<String> lines = text.toString().lines().toList();
        assertEquals("2 sessions of 1 content pieces; anomalies: 1 missing_start", lines.get(0));
        assertEquals(true, lines.get(2).contains(" t ") || lines.get(2).contains("  t  "), lines.get(2));
        assertEquals(true, lines.get(2).endsWith("! missing_start"), lines.get(2));
    }
}
