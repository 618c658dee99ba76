package com.sevenmind.eventstore.app.cli;

import static com.sevenmind.eventstore.store.TestEvents.cancelled;
import static com.sevenmind.eventstore.store.TestEvents.completed;
import static com.sevenmind.eventstore.store.TestEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.Main;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID ALICE = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final UUID BOB = UUID.fromString("22222222-2222-4222-8222-222222222222");
    private final ObjectMapper mapper = Json.newObjectMapper();
    private Cli cli;

    @BeforeAll
    static void store() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        db.store().append(List.of(started(ALICE, "1", "s1", t), completed(ALICE, "2", "s1", t.plusSeconds(600)),
                started(ALICE, "3", "s2", t.plusSeconds(900)), cancelled(ALICE, "4", "s2", t.plusSeconds(960)),
                started(BOB, "5", t)));
    }

    @BeforeEach
    void setUp() {
        cli = new Cli(db.jdbcUrl());
    }

    @Test
    void project_prints_one_json_object_per_user_with_every_projection() throws Exception {
        Cli.Result result = cli.run("project", ALICE.toString(), BOB.toString(), "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        List<String> lines = result.out().lines().toList();
        assertEquals(2, lines.size());
        JsonNode alice = mapper.readTree(lines.get(0));
        assertEquals("11111111-1111-4111-8111-111111111111", alice.get("user_id").asText());
        assertEquals(4, alice.get("event_count").asInt());
        assertEquals(mapper.readTree("""
                {"completed_count":1,"started_count":2,"cancelled_count":1,"total":4}"""),
                alice.get("projections").get("stats"));
        assertEquals(1, mapper.readTree(lines.get(1)).get("projections").get("stats").get("total").asInt());
    }

    @Test
    void project_text_is_readable() {
        Cli.Result result = cli.run("project", ALICE.toString(), "--projection", "stats");

        assertEquals(0, result.exit(), result.toString());
        List<String> lines = result.out().lines().toList();
        assertEquals("user 11111111-1111-4111-8111-111111111111: 4 events", lines.get(0));
        assertTrue(lines.get(1).startsWith("  lateness: 4 arrived more than PT1H after they happened; largest delay "),
                lines.get(1));
        assertEquals(List.of(
                "  stats",
                "    completed_count  1",
                "    started_count    2",
                "    cancelled_count  1",
                "    total            4"), lines.subList(2, lines.size()));
    }

    @Test
    void a_user_without_events_projects_to_zeros() throws Exception {
        Cli.Result result = cli.run("project", UUID.randomUUID().toString(), "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        assertEquals(0, mapper.readTree(result.out()).get("event_count").asInt());
    }

    @Test
    void an_unknown_projection_is_a_usage_error_that_lists_the_known_ones() {
        Cli.Result result = cli.run("project", ALICE.toString(), "--projection", "nope");

        assertEquals(2, result.exit());
        assertTrue(result.err().startsWith("unknown projection 'nope'; known: "), result.err());
    }

    @Test
    void a_user_id_that_is_not_a_uuid_is_a_usage_error() {
        Cli.Result result = cli.run("project", "alice");

        assertEquals(2, result.exit());
        assertTrue(result.err().contains("'alice'"), result.err());
    }

    @Test
    void users_lists_the_users_with_most_events_first() throws Exception {
        Cli.Result result = cli.run("users", "--top", "5", "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        assertEquals(mapper.readTree("""
                [{"user_id":"11111111-1111-4111-8111-111111111111","event_count":4},
                 {"user_id":"22222222-2222-4222-8222-222222222222","event_count":1}]"""),
                mapper.readTree(result.out()));
    }

    @Test
    void projections_lists_exactly_the_projections_service_loader_found() throws Exception {
        Cli.Result result = cli.run("projections", "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        JsonNode list = mapper.readTree(result.out());
        assertEquals(2, list.size(), list.toString());
        assertEquals("history", list.get(0).get("name").asText());
        assertEquals("com.sevenmind.eventstore.history.HistoryProjection", list.get(0).get("class").asText());
        assertTrue(list.get(0).get("jar").asText().contains("projections-history"), list.toString());
        assertEquals("stats", list.get(1).get("name").asText());
        assertEquals("com.sevenmind.eventstore.stats.StatsProjection", list.get(1).get("class").asText());
        assertTrue(list.get(1).get("jar").asText().contains("projections-stats"), list.toString());
    }

    @Test
    void project_history_prints_sessions_and_content() throws Exception {
        Cli.Result result = cli.run("project", ALICE.toString(), "--projection", "history", "--format", "json");

        assertEquals(0, result.exit(), result.toString());
        JsonNode history = mapper.readTree(result.out()).get("projections").get("history");
        assertEquals(2, history.get("sessions").size());
        assertEquals("completed", history.get("sessions").get(0).get("outcome").asText());
        assertEquals(600.0, history.get("sessions").get(0).get("duration_seconds").asDouble());
        assertEquals("cancelled", history.get("sessions").get(1).get("outcome").asText());
        assertEquals(2, history.get("content").get(0).get("sessions").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bench", "demo", "export", "feed", "forget", "generate", "global", "import",
            "migrate-events", "project", "projections", "rejected", "serve", "users"})
    void every_command_has_help(String command) {
        Cli.Result result = cli.run(command, "--help");

        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().startsWith("Usage: eventstore " + command), result.out());
    }

    @Test
    void no_command_is_a_usage_error() {
        assertEquals(2, cli.run().exit());
    }

    /** The database is Guice's to open, when a command first asks for it: help and usage errors never do. */
    @Test
    void help_and_usage_errors_open_no_database(@TempDir Path tmp) {
        Path dataDir = tmp.resolve("data");
        for (List<String> args : List.of(List.of("project", "--help"), List.of("users", "--top", "0"),
                List.of("nosuch"))) {
            List<String> all = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
            all.addAll(args);
            StringWriter err = new StringWriter();
            int exit = Main.execute(all.toArray(String[]::new), new PrintWriter(new StringWriter()),
                    new PrintWriter(err));

            assertEquals(args.get(0).equals("project") ? 0 : 2, exit, args + ": " + err);
            assertFalse(Files.exists(dataDir), "the embedded server was started for " + args);
        }
    }

    @Test
    void a_database_that_cannot_be_reached_is_one_line_and_exit_code_1() {
        Cli.Result result = new Cli("jdbc:postgresql://localhost:1/nowhere").run("users");

        assertEquals(1, result.exit());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("eventstore: cannot connect to PostgreSQL at "
                + "jdbc:postgresql://localhost:1/nowhere: "), result.err());
    }
}
