package com.sevenmind.eventstore.app.projecting;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON shape of one user's result, on the command line and over HTTP: {"user_id","as_of","event_count",
 * "lateness","unknown_event_types","projections":{name: view}}; event_count counts every event of the stream read, and
 * unknown_event_types those of types with no registered record in this process, which projections received as
 * generic events.
 */
public record Projected(UUID userId, Instant asOf, long eventCount, Lateness.View lateness,
                        Map<String, Long> unknownEventTypes, Map<String, Object> projections) {
}
