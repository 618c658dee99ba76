package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /users/{id}/events: a user's stream page by page. */
class UserEventPagesTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final UUID OTHER = UUID.fromString("0b5e3c1a-2d4f-4a6b-8c7d-9e0f1a2b3c4d");
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static ServeTest.Served served;

    @BeforeAll
    static void start() {
        served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0));
        // 250 events of the user, appended out of order, with runs of equal timestamps told apart by unique_id;
        // and some of another user in between.
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            events.add(started(USER, "e-" + i, Instant.parse("2024-05-01T10:00:00Z").plusSeconds(i / 3)));
            if (i % 10 == 0) {
                events.add(started(OTHER, "o-" + i, Instant.parse("2024-05-01T10:00:00Z").plusSeconds(i)));
            }
        }
        Collections.shuffle(events, new Random(7));
        db.store().append(events);
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    private static Event started(UUID user, String uniqueId, Instant timestamp) {
        return new ContentPieceStarted(user, uniqueId, "s-" + uniqueId, timestamp, "Europe/Berlin", "de-DE",
                Content.parse("sevenmind://content/single/abc12/recording/xyz34"));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return ServeTest.send(served.base(), "GET", path, null);
    }

    @Test
    void pages_of_100_give_the_whole_stream_in_order_without_overlap() throws Exception {
        List<String> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String query = "?limit=100";
        JsonNode page;
        do {
            HttpResponse<String> answer = get("/users/" + USER + "/events" + query);
            assertEquals(200, answer.statusCode(), answer.body());
            page = MAPPER.readTree(answer.body());
            sizes.add(page.get("events").size());
            page.get("events").forEach(e -> paged.add(e.get("unique_id").asText()));
            query = "?limit=100&after=" + page.get("next").asText();
        } while (!page.get("next").isNull());

        List<String> stream = new ArrayList<>();
        db.store().stream(USER, e -> stream.add(e.uniqueId()));
        assertEquals(List.of(100, 100, 50), sizes);
        assertEquals(stream, paged);
        assertEquals(250, new HashSet<>(paged).size());
    }

    @Test
    void an_event_is_the_export_line_with_its_id_and_recorded_at() throws Exception {
        JsonNode first = MAPPER.readTree(get("/users/" + USER + "/events?limit=1").body()).get("events").get(0);
        List<RecordedEvent> stream = new ArrayList<>();
        db.store().stream(USER, stream::add);
        RecordedEvent e = stream.get(0);

        List<String> names = new ArrayList<>();
        first.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("id", "event_type", "unique_id", "user_id", "session_id", "timestamp", "timezone",
                "locale", "object_uri", "recorded_at"), names);
        assertEquals(e.position(), first.get("id").asLong());
        assertEquals(e.recordedAt().toString(), first.get("recorded_at").asText());
        assertEquals("2024-05-01T10:00:00Z", first.get("timestamp").asText());
    }

    @Test
    void the_default_page_is_100_and_an_unknown_user_has_an_empty_last_page() throws Exception {
        JsonNode page = MAPPER.readTree(get("/users/" + USER + "/events").body());
        HttpResponse<String> unknown = get("/users/" + UUID.randomUUID() + "/events");

        assertEquals(100, page.get("events").size());
        assertTrue(page.get("next").isTextual());
        assertEquals("200 {\"events\":[],\"next\":null}\n", unknown.statusCode() + " " + unknown.body());
    }

    @Test
    void it_takes_the_read_token_as_the_other_gets_do() throws Exception {
        try (ServeTest.Served guarded = ServeTest.serve(db.database(),
                HttpApi.Settings.of("127.0.0.1", 0).withTokens(null, "r3ad"))) {
            String path = "/users/" + USER + "/events?limit=1";
            HttpResponse<String> without = ServeTest.send(guarded.base(), "GET", path, null);
            HttpResponse<String> with = ServeTest.send(guarded.base(), "GET", path, null,
                    "Authorization", "Bearer r3ad");

            assertEquals("401 {\"error\":\"missing or wrong bearer token\"}\n",
                    without.statusCode() + " " + without.body());
            assertEquals(1, MAPPER.readTree(with.body()).get("events").size());
        }
    }

    @Test
    void a_limit_out_of_range_or_a_cursor_not_of_this_endpoint_is_refused_with_why() throws Exception {
        String events = "/users/" + USER + "/events";
        for (String limit : List.of("0", "1001", "ten")) {
            HttpResponse<String> answer = get(events + "?limit=" + limit);
            assertEquals("400 {\"error\":\"limit: '" + limit + "' is not a whole number from 1 to 1000\"}\n",
                    answer.statusCode() + " " + answer.body());
        }
        for (String cursor : List.of("nope", "bm8gc3BhY2U", "%3F%3F")) {
            HttpResponse<String> answer = get(events + "?after=" + cursor);
            assertEquals(400, answer.statusCode(), answer.body());
            assertTrue(answer.body().endsWith("is not a cursor of this endpoint; use the \\\"next\\\" of the "
                    + "previous page\"}\n"), answer.body());
        }
        HttpResponse<String> badUser = get("/users/nobody/events");
        assertEquals("400 {\"error\":\"user id 'nobody' is not a UUID\"}\n",
                badUser.statusCode() + " " + badUser.body());
    }

    /** Cursors made by hand (issue 21, finding 6): each used to get 500 or 503, and a WARN line with the user's id. */
    @Test
    void a_crafted_cursor_is_refused_400_naming_it_and_no_log_line_names_the_user() throws Exception {
        List<byte[]> keys = new ArrayList<>();
        for (String key : List.of("+1000000000-01-01T00:00:00Z e-1", "-1000000000-01-01T00:00:00Z e-1",
                "+300000-01-01T00:00:00Z e-1", "-300000-01-01T00:00:00Z e-1", "0000-12-31T23:59:59Z e-1",
                "2024-05-01T10:00:00Z e-\u00001", "2024-05-01T10:00:00 e-1", "2024-05-01T10:00:00Z ")) {
            keys.add(key.getBytes(StandardCharsets.UTF_8));
        }
        keys.add(new byte[] {'2', '0', '2', '4', '-', '0', '5', '-', '0', '1', 'T', '1', '0', ':', '0', '0', ':', '0',
                '0', 'Z', ' ', (byte) 0xFF});
        try (LogLines log = new LogLines()) {
            for (byte[] key : keys) {
                String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
                HttpResponse<String> answer = get("/users/" + USER + "/events?after=" + cursor);

                assertEquals("400 {\"error\":\"after: '" + cursor + "' is not a cursor of this endpoint; use the "
                        + "\\\"next\\\" of the previous page\"}\n", answer.statusCode() + " " + answer.body());
            }
            assertEquals(List.of(), log.lines().stream().filter(l -> l.message().contains(USER.toString())).toList());
        }
    }
}
