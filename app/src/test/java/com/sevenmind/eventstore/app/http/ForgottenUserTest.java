package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A forgotten user's events delivered again, by every way in: dropped, counted as documented, others stored. */
class ForgottenUserTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final UUID OTHER = UUID.fromString("7a9c116f-8d0b-4a59-9d3c-0f6e2b1c4c2e");
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final EventCodec CODEC = new EventCodec(MAPPER);

    private static ServeTest.Served served;

    private final Cli cli = new Cli(db.jdbcUrl());

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0)
                .withLimits(2, 16, 1 << 20, 2, HttpApi.Settings.CONNECTIONS));
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    private static String line(UUID user, String uniqueId) {
        return CODEC.toLine(TestEvents.started(user, uniqueId, Instant.parse("2024-05-01T10:00:00Z")), false);
    }

    private static String post(String path, String body) throws Exception {
        HttpResponse<String> answer = ServeTest.send(served.base(), "POST", path, body);
        return answer.statusCode() + " " + answer.body().strip();
    }

    /** A Pub/Sub push of a RudderStack Started event of {@code user}. */
    private static String push(UUID user, String messageId) {
        String track = "{\"type\":\"track\",\"event\":\"Content Piece Started\",\"userId\":\"" + user
                + "\",\"messageId\":\"rs-" + messageId + "\",\"timestamp\":\"2024-05-01T10:00:00Z\","
                + "\"context\":{\"timezone\":\"Europe/Berlin\",\"locale\":\"de-DE\"},\"properties\":{"
                + "\"session_id\":\"s-1\",\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\"}}";
        return "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(track.getBytes(UTF_8))
                + "\",\"messageId\":\"" + messageId + "\"},\"subscription\":\"projects/p/subscriptions/s\"}";
    }

    private void forget(UUID user) {
        Cli.Result forgotten = cli.run("forget", user.toString());
        assertEquals(0, forgotten.exit(), forgotten.toString());
    }

    private long events(UUID user) {
        return db.sql().withHandle(h -> h.createQuery("SELECT count(*) FROM events WHERE user_uuid = :u")
                .bind("u", user).mapTo(Long.class).one());
    }

    private void assertNothingOfTheUserKept() {
        assertEquals(0, events(USER));
        assertEquals(0, db.database().quarantine().count());
    }

    @Test
    void import_again_after_forget_counts_the_users_lines_as_skipped_and_stores_the_others() throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.write(file, List.of(line(USER, "u-1"), line(OTHER, "o-1"), line(USER, "u-2")));
        assertEquals(0, cli.run("import", file.toString()).exit());
        forget(USER);
        Files.write(file, List.of(line(USER, "u-1"), line(OTHER, "o-1"), line(USER, "u-2"), line(OTHER, "o-2")));

        Cli.Result again = cli.run("import", file.toString());

        assertEquals(0, again.exit(), again.toString());
        assertEquals("read 4, stored 1, duplicates 1, rejected 0, conflicts 0, skipped 2\n", again.out());
        assertEquals(2, events(OTHER));
        assertNothingOfTheUserKept();
    }

    @Test
    void generate_again_after_forget_counts_the_users_events_as_skipped() throws Exception {
        String[] generate = {"generate", "--users", "3", "--events", "600", "--seed", "4", "--format", "json"};
        JsonNode first = MAPPER.readTree(cli.run(generate).out());
        UUID main = UUID.fromString(first.get("main_characters").get(0).asText());
        long mains = events(main);
        assertTrue(first.get("skipped") == null, first.toString());
        forget(main);

        JsonNode again = MAPPER.readTree(cli.run(generate).out());

        assertEquals(mains, again.get("skipped").asLong(), again.toString());
        assertEquals(0, again.get("stored").asLong(), again.toString());
        assertEquals(first.get("stored").asLong() - mains, again.get("duplicates").asLong(), again.toString());
        assertEquals(0, events(main));
        assertTrue(cli.run(generate[0], generate[1], generate[2], generate[3], generate[4], generate[5], generate[6])
                .out().contains(String.format(", %,d skipped (forgotten users)", mains)));
    }

    @Test
    void a_retry_of_an_input_kept_after_forget_counts_it_as_skipped_and_lets_it_go() throws Exception {
        forget(USER);
        // Quarantined after the forget: a conflict of an append that committed just before it.
        db.database().quarantine().add(List.of(Rejection.of("in.jsonl", 1L, "native", line(USER, "u-1"), "conflict")));

        Cli.Result retried = cli.run("rejected", "--retry", "--format", "json");

        assertEquals(0, retried.exit(), retried.toString());
        assertEquals(MAPPER.readTree("""
                {"retried":1,"stored":0,"duplicates":0,"skipped":1,"conflicts":0,"still_rejected":0}"""),
                MAPPER.readTree(retried.out()));
        assertNothingOfTheUserKept();
    }

    @Test
    void a_push_after_forget_is_acknowledged_as_skipped_and_not_kept() throws Exception {
        assertEquals("200 {\"result\":\"stored\"}", post("/pubsub/push", push(USER, "m-1")));
        forget(USER);

        assertEquals("200 {\"result\":\"skipped\",\"reason\":\"user was forgotten\"}",
                post("/pubsub/push", push(USER, "m-1")));
        assertEquals("200 {\"result\":\"stored\"}", post("/pubsub/push", push(OTHER, "m-2")));

        assertEquals(1, events(OTHER));
        assertNothingOfTheUserKept();
    }

    @Test
    void events_after_forget_answers_the_users_events_as_forgotten_and_stores_the_others() throws Exception {
        String body = "[" + line(USER, "u-1") + "," + line(OTHER, "o-1") + "]";
        assertEquals("200 {\"stored\":2,\"duplicates\":0,\"conflicts\":0}", post("/events", body));
        forget(USER);

        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0,\"forgotten\":1}",
                post("/events", "[" + line(USER, "u-1") + "," + line(OTHER, "o-2") + "]"));

        assertEquals(2, events(OTHER));
        assertNothingOfTheUserKept();
    }
}
