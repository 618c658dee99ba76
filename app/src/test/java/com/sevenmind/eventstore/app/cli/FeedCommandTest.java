package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.RunningCommand;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FeedCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID ANN = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    private static final UUID BOB = UUID.fromString("00000000-0000-4000-8000-00000000000b");
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Cli cli = new Cli(db.jdbcUrl());

    @BeforeEach
    void clear() {
        db.clear();
    }

    private List<JsonNode> feed(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("feed"));
        all.addAll(List.of(args));
        Cli.Result result = cli.run(all.toArray(String[]::new));
        assertEquals(0, result.exit(), result.toString());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.out().lines().toList()) {
            lines.add(mapper.readTree(line));
        }
        return lines;
    }

    @Test
    void feed_prints_every_user_in_commit_order_as_export_lines_with_a_position_and_resumes_after_one()
            throws Exception {
        db.store().append(List.of(TestEvents.started(BOB, "b-1", T), TestEvents.completed(BOB, "b-2", T.plusSeconds(9))));
        db.store().append(List.of(TestEvents.started(ANN, "a-1", T.minusSeconds(60))));

        List<JsonNode> all = feed();
        assertEquals(List.of("b-1", "b-2", "a-1"), all.stream().map(l -> l.get("unique_id").asText()).toList());
        String export = cli.run("export", BOB.toString()).out();
        ObjectNode first = ((ObjectNode) all.get(0).deepCopy());
        first.remove("position");
        assertEquals(export.lines().findFirst().orElseThrow(), mapper.writeValueAsString(first),
                "the export line, plus the position");

        List<JsonNode> rest = feed("--after", all.get(0).get("position").asText(), "--limit", "1");
        assertEquals(List.of(all.get(1)), rest);
        assertEquals(List.of(), feed("--after", all.get(2).get("position").asText()));
    }

    @Test
    void a_position_the_feed_never_gave_is_a_usage_error_naming_it() {
        Cli.Result result = cli.run("feed", "--after", "105");
        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().startsWith("--after: position '105' is not one the feed gave"), result.err());
    }

    @Test
    void follow_prints_events_as_they_commit_never_before_an_older_open_transaction_ends_and_exits_0()
            throws Exception {
        try (RunningCommand follow = new RunningCommand(db.jdbcUrl(), "feed", "--follow");
             Connection open = DriverManager.getConnection(db.jdbcUrl())) {
            db.store().append(List.of(TestEvents.started(ANN, "a-1", T)));
            follow.awaitLast(line -> line.contains("\"a-1\""));

            // A writer holds a transaction open; a later append commits; only when the first ends do both show.
            open.setAutoCommit(false);
            try (Statement s = open.createStatement()) {
                s.execute("SELECT pg_current_xact_id()");
            }
            db.store().append(List.of(TestEvents.started(BOB, "b-1", T)));
            db.store().forget(ANN);
            assertEquals(1, follow.lines().size(), "nothing after the open transaction yet: " + follow.out);
            open.commit();
            String last = follow.awaitLast(line -> line.contains("forgotten_user_hash"));

            assertEquals(List.of("a-1", "b-1"), uniqueIds(follow.lines().subList(0, 2)));
            assertTrue(mapper.readTree(last).get("forgotten_user_hash").asText().matches("[0-9a-f]{64}"), last);
            assertEquals(0, follow.stop());
            assertEquals("", follow.err.toString());
        }
    }

    private List<String> uniqueIds(List<String> lines) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            ids.add(mapper.readTree(line).get("unique_id").asText());
        }
        return ids;
    }
}
