package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private final ObjectMapper mapper = Json.newObjectMapper();
    private Cli cli;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        db.clear();
        cli = new Cli(db.jdbcUrl());
    }

    private static String line(String type, String uniqueId, String timestamp) {
        return "{\"event_type\":\"" + type + "\",\"unique_id\":\"" + uniqueId + "\",\"user_id\":\"" + USER
                + "\",\"session_id\":\"s-" + uniqueId + "\",\"timestamp\":\"" + timestamp
                + "\",\"timezone\":\"Europe/Berlin\",\"locale\":\"de-DE\","
                + "\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\"}";
    }

    @Test
    void stores_exactly_the_valid_distinct_events_and_reports_each_bad_line_by_number() throws IOException {
        Path file = dir.resolve("events.jsonl");
        Files.write(file, List.of(
                line("ContentPieceCompleted", "3", "2024-05-01T10:20:00.000001Z"),      // 1: late end first
                line("ContentPieceStarted", "1", "2024-05-01T12:00:00+02:00"),           // 2: offset, = 10:00Z
                "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":",                 // 3: truncated JSON
                line("ContentPieceStarted", "1", "2024-05-01T12:00:00+02:00"),           // 4: re-sent
                line("ContentPieceStopped", "4", "2024-05-01T10:00:00Z"),                // 5: a type of its own
                "",                                                                      // 6: blank, skipped
                line("ContentPieceCancelled", "5", "2024-05-01 10:00"),                  // 7: bad timestamp
                line("ContentPieceStarted", "6", "2024-05-01T10:00:00Z").replace(USER.toString(), "not-a-uuid"),
                line("ContentPieceCancelled", "2", "2024-05-01T10:05:00Z")));            // 9

        Cli.Result result = cli.run("import", file.toString());

        assertEquals(3, result.exit(), result.toString());
        assertEquals("read 8, stored 4, duplicates 1, rejected 3, conflicts 0, skipped 0\n", result.out());
        assertEquals(List.of(
                "line 3: not valid JSON at column 49: Unexpected end-of-input within/between Object entries",
                "line 7: field timestamp: '2024-05-01 10:00' is not an ISO-8601 date-time with Z or an offset, "
                        + "e.g. 2024-03-01T07:15:00.123456Z",
                "line 8: field user_id: 'not-a-uuid' is not a UUID"), result.err().lines().toList());

        List<RecordedEvent> stream = new ArrayList<>();
        db.store().stream(USER, stream::add);
        assertEquals(List.of("1", "4", "2", "3"), stream.stream().map(RecordedEvent::uniqueId).toList());
        assertEquals("ContentPieceStopped", stream.get(1).eventType(), "a type no code here knows is kept too");

        List<Rejection> quarantined = new ArrayList<>();
        db.database().quarantine().list(null, quarantined::add);
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(3L, 7L, 8L), quarantined.stream().map(Rejection::line).toList());
        for (Rejection r : quarantined) {
            assertEquals(lines.get(r.line().intValue() - 1), r.input(), "kept verbatim");
            assertEquals(file.toAbsolutePath().toString(), r.source());
            assertEquals("native", r.inputFormat());
        }
        assertEquals("field user_id: 'not-a-uuid' is not a UUID", quarantined.get(2).reason());

        cli.run("import", file.toString());
        assertEquals(3, db.database().quarantine().count(), "a second run quarantines nothing twice");
    }

    @Test
    void an_event_resent_with_other_content_is_a_conflict_kept_in_quarantine_not_stored_over_the_original()
            throws IOException {
        Path file = dir.resolve("conflict.jsonl");
        Files.write(file, List.of(line("ContentPieceStarted", "1", "2024-05-01T10:00:00Z"),
                line("ContentPieceStarted", "1", "2024-05-01T10:00:01Z")));

        Cli.Result result = cli.run("import", file.toString(), "--format", "json");

        assertEquals(3, result.exit(), result.toString());
        JsonNode summary = mapper.readTree(result.out());
        assertEquals(1, summary.get("stored").asInt());
        assertEquals(1, summary.get("conflicts").asInt());
        assertEquals(0, summary.get("duplicates").asInt());
        List<Rejection> quarantined = new ArrayList<>();
        db.database().quarantine().list(null, quarantined::add);
        assertEquals(1, quarantined.size());
        assertEquals("conflict", quarantined.get(0).reason());
        assertEquals(2L, quarantined.get(0).line());
    }

    @Test
    void an_oversize_line_is_rejected_and_the_lines_after_it_are_stored() throws IOException {
        Path file = dir.resolve("big.jsonl");
        Files.write(file, List.of(line("ContentPieceStarted", "1", "2024-05-01T10:00:00Z"),
                "{\"pad\":\"" + "x".repeat(1_100_000) + "\"}",
                line("ContentPieceCompleted", "2", "2024-05-01T10:10:00Z")));

        Cli.Result result = cli.run("import", file.toString());

        assertEquals(3, result.exit(), result.toString());
        assertEquals("read 3, stored 2, duplicates 0, rejected 1, conflicts 0, skipped 0\n", result.out());
        assertEquals("line 2: input of 1,100,010 bytes is over the limit of 1,048,576 bytes\n", result.err());
        List<Rejection> quarantined = new ArrayList<>();
        db.database().quarantine().list(null, quarantined::add);
        assertEquals(65_536, quarantined.get(0).input().length(), "its beginning is kept");
    }

    @Test
    void rudderstack_track_events_of_every_name_are_imported_and_other_calls_skipped() throws IOException {
        String started = rudderstack("Content Piece Started", "m-1", "track");
        Path file = dir.resolve("rudder.jsonl");
        Files.write(file, List.of(started, rudderstack("Application Opened", "m-2", "track"),
                rudderstack("Content Piece Completed", "m-3", "identify"), started,
                rudderstack("Content Piece Completed", "m-4", "track").replace("Europe/Berlin", "Mars/Base")));

        Cli.Result result = cli.run("import", file.toString(), "--format", "rudderstack");

        assertEquals(3, result.exit(), result.toString());
        assertEquals("read 5, stored 2, duplicates 1, rejected 1, conflicts 0, skipped 1\n", result.out());
        assertEquals("line 5: field context.timezone: 'Mars/Base' is not an IANA time zone such as Europe/Berlin\n",
                result.err());
        List<RecordedEvent> stream = new ArrayList<>();
        db.store().stream(USER, stream::add);
        assertEquals(List.of("m-1", "m-2"), stream.stream().map(RecordedEvent::uniqueId).sorted().toList());
        assertEquals(Instant.parse("2024-05-01T10:00:00.25Z"), stream.get(0).timestamp());
        assertEquals(List.of("Application Opened", "ContentPieceStarted"),
                stream.stream().map(RecordedEvent::eventType).sorted().toList());
    }

    private static String rudderstack(String event, String messageId, String type) {
        return "{\"type\":\"" + type + "\",\"event\":\"" + event + "\",\"userId\":\"" + USER
                + "\",\"anonymousId\":\"a-1\",\"messageId\":\"" + messageId + "\","
                + "\"originalTimestamp\":\"2024-05-01T10:02:00.25Z\",\"timestamp\":\"2024-05-01T10:00:00.25Z\","
                + "\"context\":{\"timezone\":\"Europe/Berlin\",\"locale\":\"de-DE\"},"
                + "\"properties\":{\"session_id\":\"s-1\",\"object_uri\":\"sevenmind://content/single/a/recording/b\"}}";
    }

    @Test
    void importing_the_same_file_twice_stores_nothing_new_and_says_so_in_json() throws IOException {
        Path file = dir.resolve("events.jsonl");
        Files.write(file, List.of(line("ContentPieceStarted", "1", "2024-05-01T10:00:00Z"),
                line("ContentPieceCompleted", "2", "2024-05-01T10:10:00Z")));
        assertEquals(0, cli.run("import", file.toString()).exit());

        Cli.Result again = cli.run("import", "--format", "json", file.toString());

        assertEquals(0, again.exit(), again.toString());
        JsonNode summary = mapper.readTree(again.out());
        assertEquals(2, summary.get("read").asInt());
        assertEquals(0, summary.get("stored").asInt());
        assertEquals(2, summary.get("duplicates").asInt());
        assertEquals(0, summary.get("rejected").asInt());
    }

    @Test
    void a_missing_file_is_one_line_and_exit_code_1() {
        Cli.Result result = cli.run("import", dir.resolve("nope.jsonl").toString());

        assertEquals(1, result.exit());
        assertEquals("eventstore: cannot read " + dir.resolve("nope.jsonl") + ": no such file\n", result.err());
    }
}
