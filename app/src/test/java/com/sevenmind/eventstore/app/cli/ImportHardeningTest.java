package com.sevenmind.eventstore.app.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.ingest.BatchAppender;
import com.sevenmind.eventstore.app.ingest.Progress;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lines that used to stop an import or be stored changed, and the bounds of --batch-size. */
class ImportHardeningTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private Cli cli;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        db.clear();
        cli = new Cli(db.jdbcUrl());
    }

    private static String line(String uniqueId, String timestamp) {
        return "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"" + uniqueId + "\",\"user_id\":\"" + USER
                + "\",\"session_id\":\"s-" + uniqueId + "\",\"timestamp\":\"" + timestamp
                + "\",\"timezone\":\"Europe/Berlin\",\"locale\":\"de-DE\","
                + "\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\"}";
    }

    private Path file(byte[]... lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            bytes.write(l);
            bytes.write('\n');
        }
        Path file = dir.resolve("events.jsonl");
        Files.write(file, bytes.toByteArray());
        return file;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    private static List<String> stored() {
        List<String> ids = new ArrayList<>();
        db.store().stream(USER, (RecordedEvent e) -> ids.add(e.uniqueId()));
        return ids;
    }

    private static List<Rejection> quarantined() {
        List<Rejection> rejections = new ArrayList<>();
        db.database().quarantine().list(null, rejections::add);
        return rejections;
    }

    // --- finding 5

    @Test
    void lines_with_times_out_of_range_are_rejected_and_the_lines_after_them_stored_on_every_run() throws IOException {
        List<String> bad = List.of("0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999-14:00");
        Path file = file(utf8(line("b1", bad.get(0))), utf8(line("g1", "2024-05-01T10:00:00Z")),
                utf8(line("b2", bad.get(1))), utf8(line("b3", bad.get(2))), utf8(line("g2", "0001-01-01T00:00:00Z")),
                utf8(line("b4", bad.get(3))), utf8(line("g3", "9999-12-31T23:59:59.999999Z")));

        Cli.Result result = cli.run("import", file.toString());
        Cli.Result again = cli.run("import", file.toString());

        assertEquals(3, result.exit(), result.toString());
        assertEquals("read 7, stored 3, duplicates 0, rejected 4, conflicts 0, skipped 0\n", result.out());
        assertEquals(List.of(
                "line 1: field timestamp: '0000-01-01T00:00:00Z' is 0000-01-01T00:00:00Z in UTC, outside the range "
                        + "taken, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z",
                "line 3: field timestamp: '-0001-01-01T00:00:00Z' is -0001-01-01T00:00:00Z in UTC, outside the "
                        + "range taken, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z",
                "line 4: field timestamp: '+10000-01-01T00:00:00Z' is +10000-01-01T00:00:00Z in UTC, outside the "
                        + "range taken, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z",
                "line 6: field timestamp: '9999-12-31T23:59:59.999999-14:00' is +10000-01-01T13:59:59.999999Z in "
                        + "UTC, outside the range taken, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z"),
                result.err().lines().toList());
        assertEquals(3, again.exit(), again.toString());
        assertEquals(List.of("g2", "g1", "g3"), stored());
        assertEquals(List.of(1L, 3L, 4L, 6L), quarantined().stream().map(Rejection::line).toList());
    }

    // --- finding 6

    @Test
    void a_line_nested_1000_deep_is_rejected_and_the_import_goes_on() throws IOException {
        String deep = "[".repeat(1_000) + "]".repeat(1_000);
        Path file = file(utf8(line("1", "2024-05-01T10:00:00Z").replace("}", ",\"x\":" + deep + "}")),
                utf8(line("2", "2024-05-01T10:00:00Z")));

        Cli.Result result = cli.run("import", file.toString());

        assertEquals(3, result.exit(), result.toString());
        assertEquals("line 1: JSON nested deeper than 64 levels\n", result.err());
        assertEquals(List.of("2"), stored());
        assertEquals("JSON nested deeper than 64 levels", quarantined().get(0).reason());
    }

    // --- finding 7 and the BOM

    @Test
    void a_line_of_invalid_utf8_is_rejected_by_byte_and_kept_replaced_the_others_stored() throws IOException {
        byte[] bad = utf8(line("2", "2024-05-01T10:00:00Z").replace("de-DE", "de-DX"));
        int at = new String(bad, UTF_8).indexOf("DX") + 1;
        bad[at] = (byte) 0xFF;
        Path file = file(utf8(line("1", "2024-05-01T10:00:00Z")), bad, utf8(line("3", "2024-05-01T10:00:00Z")));

        Cli.Result result = cli.run("import", file.toString());

        assertEquals(3, result.exit(), result.toString());
        assertEquals("read 3, stored 2, duplicates 0, rejected 1, conflicts 0, skipped 0\n", result.out());
        assertEquals("line 2: invalid UTF-8 at byte " + (at + 1) + "\n", result.err());
        assertEquals(List.of("1", "3"), stored());
        Rejection kept = quarantined().get(0);
        assertEquals(line("2", "2024-05-01T10:00:00Z").replace("de-DE", "de-D\uFFFD"), kept.input());
        assertEquals("invalid UTF-8 at byte " + (at + 1) + " (kept with each invalid byte replaced by U+FFFD)",
                kept.reason());
    }

    @Test
    void a_byte_order_mark_at_the_start_of_the_file_is_skipped() throws IOException {
        byte[] first = utf8("\uFEFF" + line("1", "2024-05-01T10:00:00Z"));
        Path file = file(first, utf8(line("2", "2024-05-01T10:00:00Z")));

        Cli.Result result = cli.run("import", file.toString());

        assertEquals(0, result.exit(), result.toString());
        assertEquals("read 2, stored 2, duplicates 0, rejected 0, conflicts 0, skipped 0\n", result.out());
    }

    // --- an event that passes validation but that PostgreSQL refuses

    @Test
    void a_line_the_database_refuses_is_rejected_and_quarantined_and_its_batch_stored() throws IOException {
        String refused = line(randomId(), "2024-05-01T10:00:01Z");
        Path file = file(utf8(line("1", "2024-05-01T10:00:00Z")), utf8(refused),
                utf8(line("3", "2024-05-01T10:00:02Z")));

        Cli.Result result = cli.run("import", file.toString());

        assertEquals(3, result.exit(), result.toString());
        assertEquals("read 3, stored 2, duplicates 0, rejected 1, conflicts 0, skipped 0\n", result.out());
        String reason = "refused by the database: index row size \\d+ exceeds btree version 4 maximum 2704 for "
                + "index \"[a-z_]+\"";
        assertTrue(result.err().matches("line 2: " + reason + "\n"), result.err());
        assertEquals(List.of("1", "3"), stored());
        Rejection kept = quarantined().get(0);
        assertEquals(refused, kept.input());
        assertTrue(kept.reason().matches(reason), kept.reason());

        // A retry is refused again, and stays, rather than stopping the retry of everything else.
        Cli.Result retried = cli.run("rejected", "--retry");
        assertEquals(0, retried.exit(), retried.toString());
        assertEquals("retried 1: stored 0, duplicates 0, skipped 0, conflicts 0, still rejected 1\n", retried.out());
        assertTrue(quarantined().get(0).reason().matches(reason), quarantined().get(0).reason());
    }

    /** A unique id too long for the key's index; random, so that PostgreSQL cannot compress it under the limit. */
    private static String randomId() {
        StringBuilder s = new StringBuilder();
        while (s.length() < 8_000) {
            s.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return s.toString();
    }

    // --- finding 9 in batches

    @Test
    void what_a_full_quarantine_cannot_keep_is_said_on_stderr() {
        StringWriter err = new StringWriter();
        PrintWriter printer = new PrintWriter(err, true);
        EventCodec codec = new EventCodec(MAPPER);
        BatchAppender appender = new BatchAppender(db.store(), db.database().quarantine().capped(100), codec, 10,
                new Progress(printer, "import", 0), EventCodec.CURRENT_SCHEMA_VERSION, printer);
        appender.reject(Rejection.of("f.jsonl", 4L, "native", "x".repeat(200), "not valid JSON"));
        appender.add(TestEvents.started(USER, "1", Instant.parse("2024-05-01T10:00:00Z")));

        appender.finish();

        assertEquals("line 4: quarantine full for source f.jsonl (its cap is 100 bytes); not kept\n", err.toString());
        assertEquals(List.of("1"), stored());
        assertEquals(1, db.database().quarantine().drops().get(0).inputs());
    }

    // --- finding 11

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "100001", "2147483647"})
    void a_batch_size_out_of_1_to_100000_is_a_usage_error(String size) throws IOException {
        Path file = file(utf8(line("1", "2024-05-01T10:00:00Z")));
        for (List<String> command : List.of(List.of("import", file.toString()), List.of("generate", "--events", "10"),
                List.of("migrate-events"))) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--batch-size", size));

            Cli.Result result = cli.run(args.toArray(String[]::new));

            assertEquals(2, result.exit(), result.toString());
            assertTrue(result.err().startsWith("--batch-size must be from 1 to 100,000, was " + size + "\n"),
                    result.toString());
        }
        assertEquals(0, db.store().count());
    }

    @Test
    void the_largest_batch_size_is_taken() throws IOException {
        Path file = file(utf8(line("1", "2024-05-01T10:00:00Z")));
        assertEquals(0, cli.run("import", file.toString(), "--batch-size", "100000").exit());
    }

    @Test
    void an_error_such_as_running_out_of_memory_is_one_line_without_a_stack_trace() {
        InputStream stdin = System.in;
        System.setIn(new InputStream() {
            @Override
            public int read() {
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return read();
            }
        });
        Cli.Result result;
        try {
            result = cli.run("import", "-");
        } finally {
            System.setIn(stdin);
        }

        assertEquals(1, result.exit(), result.toString());
        assertEquals("eventstore: out of memory (Java heap space): give the JVM a larger heap, e.g. "
                + "JDK_JAVA_OPTIONS=-Xmx2g\n", result.err());
    }
}
