package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /feed and GET /feed/stream: the global feed over HTTP, its lines those of the feed command. */
class FeedHttpTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID ANN = UUID.fromString("00000000-0000-4000-8000-0000000000a1");
    private static final UUID BOB = UUID.fromString("00000000-0000-4000-8000-0000000000b2");
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
    private static final ObjectMapper MAPPER = Json.newObjectMapper();

    @BeforeEach
    void clear() {
        db.clear();
    }

    private static ServeTest.Served serve() {
        return ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0).withTokens("w-s3cret", "r-s3cret"));
    }

    @Test
    void a_page_holds_the_feed_commands_lines_and_next_resumes_after_them_with_the_read_token() throws Exception {
        db.store().append(List.of(TestEvents.started(ANN, "a-1", T), TestEvents.started(BOB, "b-1", T)));
        db.store().append(List.of(TestEvents.completed(ANN, "a-2", T.plusSeconds(5))));
        try (ServeTest.Served served = serve()) {
            assertEquals(401, ServeTest.send(served.base(), "GET", "/feed", null).statusCode());

            HttpResponse<String> first = ServeTest.send(served.base(), "GET", "/feed?limit=2", null,
                    "Authorization", "Bearer r-s3cret");
            assertEquals(200, first.statusCode(), first.body());
            JsonNode page = MAPPER.readTree(first.body());
            List<String> cli = new Cli(db.jdbcUrl()).run("feed").out().lines().toList();
            assertEquals(cli.subList(0, 2), List.of(MAPPER.writeValueAsString(page.get("events").get(0)),
                    MAPPER.writeValueAsString(page.get("events").get(1))));

            JsonNode rest = MAPPER.readTree(ServeTest.send(served.base(), "GET", "/feed?after="
                    + page.get("next").asText(), null, "Authorization", "Bearer r-s3cret").body());
            assertEquals(cli.get(2), MAPPER.writeValueAsString(rest.get("events").get(0)));
            assertEquals(1, rest.get("events").size());

            HttpResponse<String> bad = ServeTest.send(served.base(), "GET", "/feed?after=17", null,
                    "Authorization", "Bearer r-s3cret");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("after: position '17' is not one the feed gave"), bad.body());

            String metrics = ServeTest.send(served.base(), "GET", "/metrics", null, "Authorization",
                    "Bearer r-s3cret").body();
            assertTrue(metrics.contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\","
                    + "route=\"/feed\",status=\"200\"} 2"), metrics);
        }
    }

    @Test
    void the_stream_sends_each_entry_with_its_position_as_id_and_resumes_after_last_event_id() throws Exception {
        db.store().append(List.of(TestEvents.started(ANN, "a-1", T)));
        try (ServeTest.Served served = serve()) {
            String id;
            try (ServeTest.LiveStream stream = new ServeTest.LiveStream(served.base(), "/feed/stream",
                    "Authorization", "Bearer r-s3cret")) {
                assertEquals("a-1", MAPPER.readTree(stream.nextData()).get("unique_id").asText());
                db.store().append(List.of(TestEvents.started(BOB, "b-1", T)));
                JsonNode second = MAPPER.readTree(stream.nextData());
                assertEquals("b-1", second.get("unique_id").asText());
                assertEquals(second.get("position").asText(), stream.lastId);
                id = MAPPER.readTree(new Cli(db.jdbcUrl()).run("feed").out().lines().toList().get(0))
                        .get("position").asText();
            }
            db.store().forget(ANN);
            try (ServeTest.LiveStream again = new ServeTest.LiveStream(served.base(), "/feed/stream",
                    "Authorization", "Bearer r-s3cret", "Last-Event-ID", id)) {
                assertEquals("b-1", MAPPER.readTree(again.nextData()).get("unique_id").asText());
                assertTrue(MAPPER.readTree(again.nextData()).has("forgotten_user_hash"), "then the forget");
            }
        }
    }

    @Test
    void serve_keeps_global_projections_current_and_global_reads_what_it_saved() throws Exception {
        try (ServeTest.Served served = serve()) {
            db.store().append(List.of(TestEvents.started(ANN, "a-1", T), TestEvents.completed(ANN, "a-2", T)));
            long committed = System.nanoTime();
            JsonNode content = null;
            while (System.nanoTime() - committed < 10_000_000_000L) {
                HttpResponse<String> answer = ServeTest.send(served.base(), "GET", "/global/content", null,
                        "Authorization", "Bearer r-s3cret");
                if (answer.statusCode() == 200 && MAPPER.readTree(answer.body()).get("view").size() == 1
                        && MAPPER.readTree(answer.body()).at("/view/0/completed").asLong() == 1) {
                    content = MAPPER.readTree(answer.body());
                    break;
                }
            }
            assertTrue(content != null, "content was not current within 10 s of the commit");
            assertEquals(1.0, content.at("/view/0/completion_rate").asDouble());
            assertEquals(404, ServeTest.send(served.base(), "GET", "/global/nosuch", null,
                    "Authorization", "Bearer r-s3cret").statusCode());

            // While serve holds it, the command prints what serve saved, at the same position or later.
            Cli.Result printed = new Cli(db.jdbcUrl()).run("global", "content", "--format", "json");
            assertEquals(0, printed.exit(), printed.toString());
            assertEquals(content.get("view"), MAPPER.readTree(printed.out()).get("view"));
        }
    }
}
