package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Lateness measured to RudderStack's receivedAt: {@code project --late-from received_at}, and over HTTP. */
class LateFromTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static ServeTest.Served served;
    private static Cli cli;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0));
        cli = new Cli(db.jdbcUrl());
        // Imported now, long after they happened: by recorded_at every one is late. RudderStack received the first
        // 2 h after it happened, the second within a minute; the native third says nothing of it.
        Path rudderStack = dir.resolve("rudderstack.jsonl");
        Files.writeString(rudderStack, String.join("\n",
                track("rs-1", "2024-05-01T10:00:00Z", "2024-05-01T12:00:00Z"),
                track("rs-2", "2024-05-01T10:30:00Z", "2024-05-01T10:31:00Z")));
        Path nativeLine = dir.resolve("native.jsonl");
        Files.writeString(nativeLine, "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"n-1\",\"user_id\":\""
                + USER + "\",\"session_id\":\"s-3\",\"timestamp\":\"2024-05-01T11:00:00Z\",\"timezone\":\"UTC\","
                + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\"}\n");
        assertEquals(0, cli.run("import", rudderStack.toString(), "--format", "rudderstack").exit());
        assertEquals(0, cli.run("import", nativeLine.toString()).exit());
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    private static String track(String messageId, String timestamp, String receivedAt) {
        return ("{\"type\":\"track\",\"event\":\"Content Piece Started\",\"userId\":\"" + USER + "\","
                + "\"messageId\":\"" + messageId + "\",\"timestamp\":\"" + timestamp + "\","
                + "\"receivedAt\":\"" + receivedAt + "\",\"context\":{\"timezone\":\"UTC\",\"locale\":\"de-DE\"},"
                + "\"properties\":{\"session_id\":\"s-" + messageId + "\","
                + "\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\"}}");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return ServeTest.send(served.base(), "GET", path, null);
    }

    @Test
    void received_at_counts_the_events_received_late_and_those_without_one_and_cli_and_http_agree()
            throws Exception {
        // Read by recorded_at first, so that a state of that one could be mistaken for the other.
        Cli.Result recorded = cli.run("project", USER.toString(), "--projection", "stats", "--format", "json");
        HttpResponse<String> recordedOverHttp = get("/users/" + USER + "/projections/stats");
        Cli.Result received = cli.run("project", USER.toString(), "--projection", "stats", "--format", "json",
                "--late-from", "received_at");
        HttpResponse<String> receivedOverHttp = get("/users/" + USER + "/projections/stats?late_from=received_at");

        assertEquals(0, received.exit(), received.toString());
        assertEquals("{\"late_after_seconds\":3600.0,\"late_events\":1,\"max_delay_seconds\":7200.0,"
                + "\"late_from\":\"received_at\",\"unmeasured\":1}",
                MAPPER.readTree(received.out()).get("lateness").toString());
        assertEquals(received.out(), receivedOverHttp.body());
        assertEquals(3, MAPPER.readTree(recorded.out()).at("/lateness/late_events").asInt());
        assertEquals(recorded.out(), recordedOverHttp.body());
        assertEquals(recorded.out(), cli.run("project", USER.toString(), "--projection", "stats", "--format",
                "json", "--late-from", "recorded_at").out());
    }

    @Test
    void the_text_says_what_was_measured_and_what_was_not() {
        Cli.Result text = cli.run("project", USER.toString(), "--projection", "stats", "--late-from", "received_at");

        assertTrue(text.out().contains("  lateness by received_at: 1 arrived more than PT1H after they happened; "
                + "largest delay 7,200 s; 1 not measured, without received_at\n"), text.out());
    }

    @Test
    void another_source_is_refused_by_the_cli_and_over_http() throws Exception {
        Cli.Result cliAnswer = cli.run("project", USER.toString(), "--late-from", "sent_at");
        HttpResponse<String> httpAnswer = get("/users/" + USER + "/projections?late_from=sent_at");

        assertEquals(2, cliAnswer.exit(), cliAnswer.toString());
        assertTrue(cliAnswer.err().contains("--late-from"), cliAnswer.err());
        assertEquals("400 {\"error\":\"late_from: 'sent_at' is not recorded_at or received_at\"}\n",
                httpAnswer.statusCode() + " " + httpAnswer.body());
    }
}
