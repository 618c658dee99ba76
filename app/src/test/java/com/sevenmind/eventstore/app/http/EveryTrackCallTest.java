package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A track call no code here knows is kept, from every way in (import rudderstack and native, wrapped and unwrapped
 * push, {@code /v1/track}, {@code /v1/batch}, {@code /events}), with dedup, conflicts, the limits and forget as for the
 * built-in types.
 */
class EveryTrackCallTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");

    private static ServeTest.Served served;
    private final Cli cli = new Cli(db.jdbcUrl());

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0),
                new IngestOptions(RudderStackApiTest.WRITE_KEY, false));
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    /** A {@code Subscription Purchased} call, as the app would send one. */
    static String purchase(String messageId, String plan, int priceCents) {
        ObjectNode call = MAPPER.createObjectNode().put("type", "track").put("event", "Subscription Purchased")
                .put("userId", USER.toString()).put("messageId", messageId)
                .put("timestamp", "2024-05-01T10:00:00Z").put("receivedAt", "2024-05-01T10:00:02Z");
        call.putObject("context").put("timezone", "Europe/Berlin").putObject("app").put("version", "5.1");
        call.putObject("properties").put("plan", plan).put("price_cents", priceCents);
        return call.toString();
    }

    private static String post(String path, String body, String... headers) throws Exception {
        HttpResponse<String> answer = ServeTest.send(served.base(), "POST", path, body, headers);
        return answer.statusCode() + " " + answer.body().strip();
    }

    private static List<RecordedEvent> stream() {
        List<RecordedEvent> events = new ArrayList<>();
        db.store().stream(USER, events::add);
        return events;
    }

    private static List<Rejection> quarantined() {
        List<Rejection> rejections = new ArrayList<>();
        db.database().quarantine().list(null, rejections::add);
        return rejections;
    }

    @Test
    void every_way_in_keeps_a_track_call_of_a_name_no_code_here_knows() throws Exception {
        String basic = RudderStackApiTest.basic(RudderStackApiTest.WRITE_KEY);
        assertEquals("200 {\"result\":\"stored\"}", post("/pubsub/push", ServeTest.push("m-1", purchase("p-1",
                "yearly", 5999))));
        assertEquals("200 {\"result\":\"stored\"}", post("/pubsub/push", purchase("p-2", "monthly", 699)));
        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0,\"skipped\":0,\"quarantined\":0}",
                post("/v1/track", purchase("p-3", "monthly", 699), "Authorization", basic));
        assertEquals("200 {\"stored\":1,\"duplicates\":1,\"conflicts\":0,\"skipped\":0,\"quarantined\":0}",
                post("/v1/batch", "{\"batch\":[" + purchase("p-4", "yearly", 5999) + "," + purchase("p-1", "yearly",
                        5999) + "]}", "Authorization", basic));
        String nativeLine = "{\"event_type\":\"Subscription Purchased\",\"unique_id\":\"p-5\",\"user_id\":\"" + USER
                + "\",\"timestamp\":\"2024-05-01T11:00:00Z\",\"payload\":{\"plan\":\"weekly\",\"price_cents\":199}}";
        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0}", post("/events", "[" + nativeLine + "]"));
        Path rudder = dir.resolve("rudder.jsonl");
        Files.write(rudder, List.of(purchase("p-6", "yearly", 5999), purchase("p-2", "monthly", 699)));
        assertEquals("read 2, stored 1, duplicates 1, rejected 0, conflicts 0, skipped 0\n",
                cli.run("import", rudder.toString(), "--format", "rudderstack").out());
        Path lines = dir.resolve("native.jsonl");
        Files.writeString(lines, nativeLine.replace("p-5", "p-7") + "\n" + nativeLine + "\n", UTF_8);
        assertEquals("read 2, stored 1, duplicates 1, rejected 0, conflicts 0, skipped 0\n",
                cli.run("import", lines.toString()).out());

        List<RecordedEvent> stored = stream();
        assertEquals(List.of("p-1", "p-2", "p-3", "p-4", "p-6", "p-5", "p-7"),
                stored.stream().map(RecordedEvent::uniqueId).toList());
        for (RecordedEvent e : stored) {
            assertEquals("Subscription Purchased", e.eventType());
            GenericEvent event = (GenericEvent) e.event();
            assertEquals(List.of("plan", "price_cents"), List.copyOf(toList(event.payload().fieldNames())));
        }
        assertEquals(List.of(), quarantined());
    }

    @Test
    void a_conflict_a_limit_and_forget_work_as_for_the_built_in_types() throws Exception {
        assertEquals("200 {\"result\":\"stored\"}", post("/pubsub/push", purchase("p-1", "yearly", 5999)));
        String other = purchase("p-1", "yearly", 4999);
        assertEquals("200 {\"result\":\"quarantined\",\"reason\":\"conflict: " + USER + "/p-1 is stored with other "
                + "content\"}", post("/pubsub/push", other));
        String longName = purchase("p-2", "yearly", 1).replace("Subscription Purchased", "x".repeat(129));
        assertEquals(200, ServeTest.send(served.base(), "POST", "/pubsub/push", longName).statusCode());

        assertEquals(List.of("conflict", "field event: '" + "x".repeat(77) + "...' is 129 characters long, over the "
                + "limit of 128"), quarantined().stream().map(Rejection::reason).toList());
        assertEquals(1, stream().size());

        assertEquals(0, cli.run("forget", USER.toString()).exit());
        assertEquals(0, db.store().count());
        assertEquals("200 {\"result\":\"skipped\",\"reason\":\"user was forgotten\"}",
                post("/pubsub/push", purchase("p-3", "yearly", 5999)));
        assertEquals(0, db.store().count());
    }

    @Test
    void export_then_import_into_an_empty_store_is_lossless_for_every_type_and_the_reads_show_them_all()
            throws Exception {
        Path mixed = dir.resolve("mixed.jsonl");
        Files.write(mixed, List.of(purchase("p-1", "yearly", 5999),
                ServeTest.track("Content Piece Started", "2024-05-01T09:00:00Z", "s-1"),
                purchase("p-2", "monthly", 699).replace("Subscription Purchased", "Plan Paused \\\\ for\\\\now"),
                ServeTest.track("Content Piece Completed", "2024-05-01T09:10:00Z", "s-1", "rs-s-1-end")));
        Cli.Result imported = cli.run("import", mixed.toString(), "--format", "rudderstack");
        assertEquals("read 4, stored 4, duplicates 0, rejected 0, conflicts 0, skipped 0\n", imported.out(),
                imported.toString());
        String exported = cli.run("export", USER.toString()).out();
        assertEquals(4, exported.lines().count(), exported);

        JsonNode page = MAPPER.readTree(ServeTest.send(served.base(), "GET", "/users/" + USER + "/events", null)
                .body());
        assertEquals(List.of("ContentPieceStarted", "ContentPieceCompleted", "Subscription Purchased",
                        "Plan Paused \\ for\\now"),
                toList(page.get("events").elements()).stream().map(e -> e.get("event_type").asText()).toList());

        db.clear();
        Path file = dir.resolve("export.jsonl");
        Files.writeString(file, exported, UTF_8);
        Cli.Result again = cli.run("import", file.toString());
        assertEquals("read 4, stored 4, duplicates 0, rejected 0, conflicts 0, skipped 0\n", again.out(),
                again.toString());
        assertEquals(exported, cli.run("export", USER.toString()).out());
    }

    private static <T> List<T> toList(java.util.Iterator<T> items) {
        List<T> list = new ArrayList<>();
        items.forEachRemaining(list::add);
        return list;
    }
}
