package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RudderStack's official Node SDK ({@code @rudderstack/rudder-sdk-node}) sends to {@code /v1/batch} as it would to
 * RudderStack: gzip bodies, HTTP Basic with the write key. The SDK is the npm project
 * {@code src/test/node/rudderstack-sdk}, run by {@link NodeScripts}.
 */
class RudderStackSdkTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("0b7d3f1e-4c2a-4e8b-9f6d-2a1c3e5b7d90");
    private static final ObjectMapper MAPPER = Json.newObjectMapper();

    /** Runs the SDK's script against {@code base}; its output, and exit code 0 asserted. */
    private static String send(NodeScripts sdk, String base) throws IOException, InterruptedException {
        return sdk.succeed(60, Map.of(), "send.js", base, RudderStackApiTest.WRITE_KEY, USER.toString());
    }

    @Test
    void the_node_sdk_stores_each_content_piece_call_once_and_skips_the_other() throws Exception {
        NodeScripts sdk = NodeScripts.require("rudderstack-sdk", "@rudderstack/rudder-sdk-node");
        try (ServeTest.Served served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0),
                new IngestOptions(RudderStackApiTest.WRITE_KEY, false))) {
            String base = served.base().toString();

            assertTrue(send(sdk, base).contains("flushed"));
            // The same calls again, as after a lost answer: RudderStack's messageId makes them duplicates.
            send(sdk, base);

            List<ContentPieceEvent> stored = new ArrayList<>();
            db.store().stream(USER, r -> stored.add((ContentPieceEvent) r.event()));
            assertEquals(List.of(
                    "sdk-1 ContentPieceStarted s-1 2024-05-01T10:00:00Z Europe/Berlin de-DE",
                    "sdk-2 ContentPieceCompleted s-1 2024-05-01T10:10:00Z Europe/Berlin de-DE",
                    "sdk-4 ContentPieceStarted s-2 2024-05-01T11:00:00Z Europe/Berlin de-DE",
                    "sdk-5 ContentPieceCancelled s-2 2024-05-01T11:02:00Z Europe/Berlin de-DE"),
                    stored.stream().map(e -> String.join(" ", e.uniqueId(), e.getClass().getSimpleName(),
                            e.sessionId(), e.timestamp().toString(), e.timezone(), e.locale())).toList());
            JsonNode stats = MAPPER.readTree(ServeTest.send(served.base(), "GET",
                    "/users/" + USER + "/projections/stats", null).body()).at("/projections/stats");
            assertEquals("{\"completed_count\":1,\"started_count\":2,\"cancelled_count\":1,\"total\":4}",
                    stats.toString());
        }
    }
}
