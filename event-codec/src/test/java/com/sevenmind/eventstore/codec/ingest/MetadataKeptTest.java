package com.sevenmind.eventstore.codec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What of a RudderStack event is kept beside the stored event: what no column and no payload field holds. */
class MetadataKeptTest {

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final RudderStackCodec codec = new RudderStackCodec(mapper);

    private PipelineMetadata metadata(String json) {
        return ((RudderStackCodec.Accepted) codec.parse(json, null)).metadata();
    }

    private static String event(String extra) {
        return "{\"type\":\"track\",\"event\":\"Content Piece Started\","
                + "\"userId\":\"3f2b8c4e-9d1a-4e7b-a5c6-0f1e2d3c4b5a\",\"messageId\":\"m-1\","
                + "\"timestamp\":\"2024-03-01T07:15:00Z\",\"context\":{\"timezone\":\"UTC\",\"locale\":\"de-DE\"},"
                + "\"properties\":{\"session_id\":\"s-1\","
                + "\"object_uri\":\"sevenmind://content/single/abc12/recording/xyz34\"}" + extra + "}";
    }

    @Test
    void the_fixture_keeps_all_but_what_the_event_holds_and_its_received_at_goes_to_the_column() throws Exception {
        PipelineMetadata kept = metadata(RudderStackCodecTest.fixture("content-piece-started.json"));

        assertEquals(Instant.parse("2024-03-01T07:15:05.480Z"), kept.receivedAt());
        assertEquals(mapper.readTree("""
                {"rudderstack":{"anonymousId":"8d2f5a3e-1c4b-4f6a-9e7d-2b3c4d5e6f70","channel":"mobile",
                 "context":{"app":{"build":"5120","name":"7Mind","namespace":"de.sevenmind.android","version":"5.12.0"},
                   "device":{"adTrackingEnabled":false,"id":"8d2f5a3e-1c4b-4f6a-9e7d-2b3c4d5e6f70",
                     "manufacturer":"Google","model":"Pixel 7","name":"panther","type":"Android"},
                   "library":{"name":"com.rudderstack.android.sdk.core","version":"1.20.1"},
                   "network":{"bluetooth":false,"carrier":"Telekom.de","cellular":false,"wifi":true},
                   "os":{"name":"Android","version":"14"},"screen":{"density":420,"height":2400,"width":1080},
                   "sessionId":1709276912345,
                   "traits":{"anonymousId":"8d2f5a3e-1c4b-4f6a-9e7d-2b3c4d5e6f70",
                     "id":"3f2b8c4e-9d1a-4e7b-a5c6-0f1e2d3c4b5a","userId":"3f2b8c4e-9d1a-4e7b-a5c6-0f1e2d3c4b5a"},
                   "userAgent":"Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/UQ1A.240205.004)"},
                 "integrations":{"All":true},"originalTimestamp":"2024-03-01T07:17:00.123Z",
                 "properties":{"content_title":"Breathing Space","duration_seconds":600,"source_screen":"Home"},
                 "request_ip":"203.0.113.42","rudderId":"5c1a9e2b-3d4f-4a6b-8c7d-9e0f1a2b3c4d",
                 "sentAt":"2024-03-01T07:17:05.000Z"}}"""), mapper.readTree(kept.json()));
    }

    @Test
    void an_event_with_nothing_more_keeps_nothing() {
        assertEquals(PipelineMetadata.NONE, metadata(event("")));
    }

    @Test
    void a_received_at_that_is_not_a_time_is_kept_as_it_came_and_the_event_stored() throws Exception {
        PipelineMetadata kept = metadata(event(",\"receivedAt\":\"yesterday\""));

        assertNull(kept.receivedAt());
        assertEquals(mapper.readTree("{\"rudderstack\":{\"receivedAt\":\"yesterday\"}}"), mapper.readTree(kept.json()));
    }

    @Test
    void a_nul_character_which_jsonb_cannot_hold_is_kept_as_its_escape() throws Exception {
        PipelineMetadata kept = metadata(event(",\"channel\":\"a\\u0000b\",\"x\\u0000\":[\"\\u0000\"]"));

        assertEquals("{\"rudderstack\":{\"channel\":\"a\\\\u0000b\",\"x\\\\u0000\":[\"\\\\u0000\"]}}", kept.json());
    }

    @Test
    void a_push_adds_its_own_fields_under_pubsub() throws Exception {
        PubSubEnvelope envelope = new PubSubEnvelope("p-1", event(""), Instant.parse("2024-03-01T07:15:06Z"),
                Map.of(), null, null, null);

        PipelineMetadata kept = ((RudderStackCodec.Accepted) codec.parse(envelope)).metadata();

        assertEquals("{\"pubsub\":{\"messageId\":\"p-1\",\"publishTime\":\"2024-03-01T07:15:06Z\"}}", kept.json());
    }
}
