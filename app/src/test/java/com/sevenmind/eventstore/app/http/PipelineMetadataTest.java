package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the pipeline said about an event is kept beside it, once, through every way in and out. */
class PipelineMetadataTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static ServeTest.Served served;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    /** A RudderStack track event as the Android app sends it, every field RudderStack adds included. */
    private static String rudderStack(String messageId, String timestamp, String receivedAt) {
        return """
                {"type":"track","event":"Content Piece Completed","userId":"%s","messageId":"%s",
                 "anonymousId":"anon-1","channel":"mobile","rudderId":"r-1","request_ip":"203.0.113.42",
                 "timestamp":"%s","originalTimestamp":"2024-05-01T09:59:58.000Z","sentAt":"2024-05-01T10:00:03Z",
                 "receivedAt":"%s",
                 "context":{"timezone":"Europe/Berlin","locale":"de-DE","app":{"version":"5.12.0"},"sessionId":17},
                 "properties":{"session_id":"s-1","object_uri":"sevenmind://content/single/abc12/recording/xyz34",
                               "position_seconds":42.5,"source_screen":"Home"},
                 "integrations":{"All":true}}
                """.formatted(USER, messageId, timestamp, receivedAt).replace("\n", "");
    }

    private static String push(String pubSubId, String publishTime, String data) {
        return """
                {"message":{"data":"%s","messageId":"%s","publishTime":"%s","attributes":{"source":"android"},
                 "orderingKey":"user-1"},"subscription":"projects/p/subscriptions/eventstore","deliveryAttempt":2}
                """.formatted(Base64.getEncoder().encodeToString(data.getBytes(UTF_8)), pubSubId, publishTime)
                .replace("\n", "");
    }

    /** Every stored event's received_at and metadata, in stream order, as {"received_at","metadata"} objects. */
    private static List<Map<String, Object>> stored() {
        return db.sql().withHandle(h -> h.createQuery("""
                        SELECT received_at, metadata::text AS metadata FROM events ORDER BY "timestamp", unique_id""")
                .map((rs, ctx) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    OffsetDateTime received = rs.getObject("received_at", OffsetDateTime.class);
                    row.put("received_at", received == null ? null : received.toInstant().toString());
                    String metadata = rs.getString("metadata");
                    try {
                        row.put("metadata", metadata == null ? null : MAPPER.readTree(metadata));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    return row;
                })
                .list());
    }

    private static final String EXPECTED_METADATA = """
            {"rudderstack":{"anonymousId":"anon-1","channel":"mobile","rudderId":"r-1","request_ip":"203.0.113.42",
               "originalTimestamp":"2024-05-01T09:59:58.000Z","sentAt":"2024-05-01T10:00:03Z",
               "context":{"app":{"version":"5.12.0"},"sessionId":17},"properties":{"source_screen":"Home"},
               "integrations":{"All":true}},
             "pubsub":{"messageId":"111","publishTime":"2024-05-01T12:00:01Z",
               "subscription":"projects/p/subscriptions/eventstore","attributes":{"source":"android"},
               "deliveryAttempt":2,"orderingKey":"user-1"}}""";

    @Test
    void a_push_keeps_every_pipeline_field_once_and_a_second_publish_keeps_the_first_copys() throws Exception {
        String event = rudderStack("rs-1", "2024-05-01T10:00:00Z", "2024-05-01T12:00:00.480Z");

        HttpResponse<String> first = ServeTest.send(served.base(), "POST", "/pubsub/push",
                push("111", "2024-05-01T12:00:01Z", event));
        // RudderStack published it again: Pub/Sub gave it another id and time.
        HttpResponse<String> second = ServeTest.send(served.base(), "POST", "/pubsub/push",
                push("222", "2024-05-01T13:00:00Z", event));

        assertEquals("200 {\"result\":\"stored\"}\n", first.statusCode() + " " + first.body());
        assertEquals("200 {\"result\":\"duplicate\"}\n", second.statusCode() + " " + second.body());
        assertEquals(List.of(Map.of("received_at", "2024-05-01T12:00:00.480Z",
                "metadata", MAPPER.readTree(EXPECTED_METADATA))), stored());
    }

    private static String nativeLine(String uniqueId, String extra) {
        return "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"" + uniqueId + "\",\"user_id\":\"" + USER
                + "\",\"session_id\":\"s-1\",\"timestamp\":\"2024-05-01T09:00:00Z\",\"timezone\":\"UTC\","
                + "\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\""
                + extra + "}";
    }

    @Test
    void native_events_posted_keep_the_metadata_they_carry_and_bad_metadata_is_refused_by_name() throws Exception {
        HttpResponse<String> stored = ServeTest.send(served.base(), "POST", "/events", "[" + nativeLine("n-1",
                ",\"received_at\":\"2024-05-01T09:00:05Z\",\"metadata\":{\"pubsub\":{\"messageId\":\"7\"}}") + "]");
        HttpResponse<String> notAnObject = ServeTest.send(served.base(), "POST", "/events",
                "[" + nativeLine("n-2", ",\"metadata\":\"x\"") + "]");
        HttpResponse<String> notATime = ServeTest.send(served.base(), "POST", "/events",
                "[" + nativeLine("n-3", ",\"received_at\":\"yesterday\"") + "]");

        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0}\n",
                stored.statusCode() + " " + stored.body());
        assertEquals("400 {\"error\":\"event 1: field metadata: '\\\"x\\\"' is not an object\"}\n",
                notAnObject.statusCode() + " " + notAnObject.body());
        assertEquals("400 {\"error\":\"event 1: field received_at: 'yesterday' is not an ISO-8601 date-time with Z "
                + "or an offset, e.g. 2024-03-01T07:15:00.123456Z\"}\n", notATime.statusCode() + " " + notATime.body());
        assertEquals(List.of(Map.of("received_at", "2024-05-01T09:00:05Z",
                "metadata", MAPPER.readTree("{\"pubsub\":{\"messageId\":\"7\"}}"))), stored());
    }

    @Test
    void import_of_rudderstack_keeps_its_metadata_native_lines_have_none_and_export_then_import_keeps_both()
            throws Exception {
        Path rudderStack = dir.resolve("rudderstack.jsonl");
        Files.writeString(rudderStack, rudderStack("rs-1", "2024-05-01T10:00:00Z", "2024-05-01T12:00:00Z") + "\n");
        Path nativeLines = dir.resolve("native.jsonl");
        Files.writeString(nativeLines, nativeLine("n-1", "") + "\n");
        Cli cli = new Cli(db.jdbcUrl());

        assertEquals(0, cli.run("import", rudderStack.toString(), "--format", "rudderstack").exit());
        assertEquals(0, cli.run("import", nativeLines.toString()).exit());
        List<Map<String, Object>> before = stored();
        Cli.Result export = cli.run("export", USER.toString());
        db.clear();
        Path exported = dir.resolve("exported.jsonl");
        Files.writeString(exported, export.out());
        Cli.Result reimport = cli.run("import", exported.toString());

        JsonNode rudderStackOnly = MAPPER.readTree(EXPECTED_METADATA);
        ((ObjectNode) rudderStackOnly).remove("pubsub");
        Map<String, Object> nativeRow = new HashMap<>();
        nativeRow.put("received_at", null);
        nativeRow.put("metadata", null);
        assertEquals(List.of(nativeRow, Map.of("received_at", "2024-05-01T12:00:00Z", "metadata", rudderStackOnly)),
                before);
        assertEquals(2, export.out().lines().count(), export.toString());
        JsonNode line = MAPPER.readTree(export.out().lines().toList().get(1));
        assertEquals("2024-05-01T12:00:00Z", line.get("received_at").asText());
        assertEquals(rudderStackOnly, line.get("metadata"));
        assertNull(MAPPER.readTree(export.out().lines().toList().get(0)).get("metadata"));
        assertEquals("read 2, stored 2, duplicates 0, rejected 0, conflicts 0, skipped 0\n", reimport.out());
        assertEquals(before, stored());
        assertEquals(export.out(), cli.run("export", USER.toString()).out());
    }
}
