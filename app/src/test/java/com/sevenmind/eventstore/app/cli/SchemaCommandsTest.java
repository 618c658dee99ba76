package com.sevenmind.eventstore.app.cli;

import static com.sevenmind.eventstore.store.TestEvents.cancelled;
import static com.sevenmind.eventstore.store.TestEvents.completed;
import static com.sevenmind.eventstore.store.TestEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.AppendOptions;
import com.sevenmind.eventstore.store.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** project's two clocks and lateness, unknown event types, and migrate-events, from the command line. */
class SchemaCommandsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("99999999-9999-4999-8999-999999999999");
    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Cli cli = new Cli(db.jdbcUrl());

    @BeforeEach
    void clear() {
        db.clear();
    }

    private JsonNode project(String... options) throws Exception {
        String[] args = new String[options.length + 4];
        args[0] = "project";
        args[1] = USER.toString();
        args[2] = "--format";
        args[3] = "json";
        System.arraycopy(options, 0, args, 4, options.length);
        Cli.Result result = cli.run(args);
        assertEquals(0, result.exit(), result.toString());
        return mapper.readTree(result.out());
    }

    /** An event that happened at {@code at} and reached the store at {@code recorded}. */
    private static void insert(String uniqueId, String type, String at, String recorded) {
        db.sql().useHandle(h -> h.execute("""
                INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", recorded_at, payload)
                VALUES (?, ?, ?, 2, ?::timestamptz, ?::timestamptz, '{"session_id": "s", "timezone": "Europe/Berlin",
                        "locale": "de", "content": {"kind": "unknown", "object_uri": "sevenmind://x"}}')""",
                USER, uniqueId, type, at, recorded));
    }

    @Test
    void as_of_answers_what_we_knew_then_and_the_json_says_which_time_it_is() throws Exception {
        insert("b", "ContentPieceCompleted", "2024-05-01T10:20:00Z", "2024-05-01T10:20:01Z");
        insert("a", "ContentPieceStarted", "2024-05-01T10:00:00Z", "2024-05-03T09:00:00Z"); // arrived two days late

        JsonNode then = project("--as-of", "2024-05-02T00:00:00+02:00");
        JsonNode now = project();

        assertEquals("2024-05-01T22:00:00Z", then.get("as_of").asText());
        assertEquals(1, then.get("event_count").asInt());
        assertEquals("missing_start",
                then.get("projections").get("history").get("sessions").get(0).get("anomalies").get(0).asText());
        assertTrue(now.get("as_of").isNull());
        assertEquals(2, now.get("event_count").asInt());
        assertEquals(1200.0,
                now.get("projections").get("history").get("sessions").get(0).get("duration_seconds").asDouble());
    }

    @Test
    void lateness_counts_events_recorded_more_than_the_threshold_after_they_happened() throws Exception {
        insert("a", "ContentPieceStarted", "2024-05-01T10:00:00Z", "2024-05-01T10:30:00Z");
        insert("b", "ContentPieceCompleted", "2024-05-01T10:20:00Z", "2024-05-03T10:20:00.5Z");
        insert("c", "ContentPieceStarted", "2024-05-01T11:00:00Z", "2024-05-01T11:00:01Z");

        assertEquals(mapper.readTree("""
                {"late_after_seconds":3600.0,"late_events":1,"max_delay_seconds":172800.5}"""),
                project().get("lateness"));
        assertEquals(2, project("--late-after", "PT10M").get("lateness").get("late_events").asInt());
    }

    @Test
    void events_of_a_type_no_projection_knows_are_passed_over_and_counted() throws Exception {
        insert("a", "ContentPieceStarted", "2024-05-01T10:00:00Z", "2024-05-01T10:00:01Z");
        insert("r", "ContentPieceRated", "2024-05-01T10:10:00Z", "2024-05-01T10:10:01Z");

        JsonNode result = project();

        assertEquals(2, result.get("event_count").asInt());
        assertEquals(mapper.readTree("{\"ContentPieceRated\":1}"), result.get("unknown_event_types"));
        assertEquals(1, result.get("projections").get("stats").get("total").asInt());
    }

    @Test
    void an_as_of_that_is_not_a_time_is_a_usage_error() {
        Cli.Result result = cli.run("project", USER.toString(), "--as-of", "yesterday");

        assertEquals(2, result.exit());
        assertTrue(result.err().contains("'yesterday' is not an ISO-8601 date-time with Z or an offset"),
                result.err());
    }

    @Test
    void migrate_events_rewrites_version_1_rows_and_projections_stay_the_same() throws Exception {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        db.store().append(List.of(started(USER, "1", "s1", t),
                completed(USER, "2", "s1", t.plusSeconds(300)), cancelled(USER, "3", "s2", t.plusSeconds(900))),
                AppendOptions.DEFAULTS.withSchemaVersion(1));
        db.store().append(started(USER, "4", "s2", t.plusSeconds(600)));
        JsonNode before = project().get("projections");

        Cli.Result dryRun = cli.run("migrate-events", "--dry-run", "--format", "json");
        assertEquals(0, dryRun.exit(), dryRun.toString());
        JsonNode checked = mapper.readTree(dryRun.out());
        assertEquals(3, checked.get("converted").asInt());
        assertEquals(checked.get("before"), checked.get("after"), "a dry run writes nothing");

        Cli.Result run = cli.run("migrate-events", "--batch-size", "2", "--format", "json");
        assertEquals(0, run.exit(), run.toString());
        JsonNode migrated = mapper.readTree(run.out());
        assertEquals(3, migrated.get("converted").asInt());
        assertEquals(2, migrated.get("batches").asInt());
        assertTrue(migrated.get("complete").asBoolean());
        assertEquals(mapper.readTree("""
                [{"event_type":"ContentPieceCancelled","schema_version":1,"count":1},
                 {"event_type":"ContentPieceCompleted","schema_version":1,"count":1},
                 {"event_type":"ContentPieceStarted","schema_version":1,"count":1},
                 {"event_type":"ContentPieceStarted","schema_version":2,"count":1}]"""), migrated.get("before"));
        assertEquals(mapper.readTree("""
                [{"event_type":"ContentPieceCancelled","schema_version":2,"count":1},
                 {"event_type":"ContentPieceCompleted","schema_version":2,"count":1},
                 {"event_type":"ContentPieceStarted","schema_version":2,"count":2}]"""), migrated.get("after"));
        assertEquals(before, project().get("projections"));

        Cli.Result again = cli.run("migrate-events");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("converted 0 rows"), again.out());
    }
}
