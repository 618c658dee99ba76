package com.sevenmind.eventstore.app.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.app.ingest.Outcome.Drop;
import com.sevenmind.eventstore.app.ingest.Outcome.Limit;
import com.sevenmind.eventstore.app.ingest.Outcome.Problem;
import com.sevenmind.eventstore.codec.JsonFields;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Accepted;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Parsed;
import com.sevenmind.eventstore.store.AppendOptions;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * RudderStack's HTTP API, as its SDKs call it: {@code POST /v1/track} with one call, {@code POST /v1/batch} with
 * {@code {"batch":[…],"sentAt":…}}. Each call stands alone: the valid ones are stored in one transaction, each bad
 * one is quarantined (format {@code rudderstack}) with its reason, and the calls that are not Content Piece events
 * are skipped.
 *
 * <p>Before a call is read it is completed: {@code receivedAt} is set to the time of receipt when absent, as
 * RudderStack's own server sets it, and a missing {@code timestamp} (the SDKs send only {@code originalTimestamp}, the
 * device's clock) is taken from {@code originalTimestamp}. RudderStack's server would correct it by
 * {@code receivedAt - sentAt}, but that differs on every attempt of a request, and the same event with another
 * timestamp would be a conflict, not a duplicate. A call is quarantined with its timestamp set, so that
 * {@code rejected --retry} reads the same time, but without the receivedAt set here, so that a request sent again
 * has its bad calls kept once.
 */
public final class RudderStackIngest {

    private final EventStore store;
    private final Inputs inputs;
    private final ObjectMapper mapper;
    private final Ingestion ingest;
    private final Supplier<Instant> clock;

    public RudderStackIngest(EventStore store, Inputs inputs, ObjectMapper mapper, Ingestion ingest,
                      Supplier<Instant> clock) {
        this.store = store;
        this.inputs = inputs;
        this.mapper = mapper;
        this.ingest = ingest;
        this.clock = clock;
    }

    /** POST /v1/track: one call. */
    public Outcome track(String body) {
        JsonNode call = Inputs.jsonObject(mapper, body);
        if (call == null) {
            return unreadable(Way.TRACK, body, "request body is not a JSON object");
        }
        if (absent(call.get("type"))) {
            // The HTTP API's calls leave the type to the endpoint, as RudderStack's server reads them.
            ((ObjectNode) call).put("type", "track");
        }
        return ingest(Way.TRACK, List.of(call));
    }

    /** POST /v1/batch: {@code {"batch":[…]}}. */
    public Outcome batch(String body) {
        JsonNode root = Inputs.jsonObject(mapper, body);
        JsonNode batch = root == null ? null : root.get("batch");
        if (batch == null || !batch.isArray()) {
            return unreadable(Way.BATCH, body, "request body is not a JSON object with a \"batch\" array");
        }
        List<JsonNode> calls = new ArrayList<>();
        batch.forEach(calls::add);
        return ingest(Way.BATCH, calls);
    }

    /**
     * A body that holds no call it can read: quarantined whole, as one input. Past the rate it is not kept, and only
     * counted; past the cap, see {@link #ingest}.
     */
    private Outcome unreadable(Way way, String body, String reason) {
        try {
            mapper.readTree(body);
        } catch (JsonProcessingException e) {
            reason = "request body is " + JsonFields.problem(e, true);
        }
        return Outcome.quarantined(Problem.INVALID, reason, ingest.keep(way,
                List.of(Rejection.of(way.source(), null, Inputs.RUDDERSTACK, body, reason))));
    }

    /**
     * Stores the valid calls in one transaction and quarantines the bad ones. Past the rate (without a token) the
     * calls not kept are only counted: the request goes on, so that its valid calls are stored, and sending it again
     * would only be refused again. Past the cap, the server's state for an operator to fix, nothing is stored, and
     * RudderStack's SDKs send it again.
     */
    private Outcome ingest(Way way, List<JsonNode> calls) {
        Instant receivedAt = clock.get();
        List<Event> events = new ArrayList<>();
        List<PipelineMetadata> metadata = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        long skipped = 0;
        for (int i = 0; i < calls.size(); i++) {
            try {
                Parsed parsed = inputs.read(Inputs.RUDDERSTACK, completed(calls.get(i), receivedAt));
                if (parsed instanceof Accepted accepted) {
                    events.add(accepted.event());
                    metadata.add(accepted.metadata());
                    positions.add(i);
                } else {
                    skipped++;
                }
            } catch (InvalidEventException e) {
                rejected.add(rejection(way, i, calls, e.getMessage()));
                reasons.add("event " + (i + 1) + ": " + e.getMessage());
            }
        }
        // Kept before anything is stored: when they cannot be kept (the cap), the sender retries the whole request.
        Drop drop = ingest.keep(way, rejected);
        if (drop != null && drop.limit() == Limit.CAP) {
            return new Outcome.NotKept(Problem.INVALID, reasons.get(0), drop);
        }
        long notKept = drop == null ? 0 : drop.inputs();
        List<Rejection> refusedOrConflicting = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        long start = System.nanoTime();
        AppendResult result = events.isEmpty() ? AppendResult.NONE : store.append(events, AppendOptions.DEFAULTS
                .withMetadata(metadata)
                .withListener(i -> refusedOrConflicting.add(rejection(way, positions.get(i), calls,
                        Ingestion.CONFLICT)))
                .withRefusals((reason, i) -> {
                    refusedOrConflicting.add(rejection(way, positions.get(i), calls, Inputs.refused(reason)));
                    refusals.add("event " + (positions.get(i) + 1) + ": " + Inputs.refused(reason));
                }));
        if (!events.isEmpty()) {
            ingest.metrics().appended(way, result, System.nanoTime() - start);
        }
        ingest.metrics().count(way, IngestMetrics.Fate.SKIPPED, skipped);
        // Stored already: refusing now would have the stored ones sent again; a drop is counted.
        ingest.keep(way, refusedOrConflicting);
        reasons.addAll(refusals);
        return new Outcome.Appended(result, skipped, rejected.size() - notKept + refusals.size(), notKept,
                reasons.isEmpty() ? null : reasons.get(0));
    }

    /**
     * The quarantine's record of the call at {@code position}: without the receivedAt set on its way in, which differs
     * on every attempt of a request, so that a request sent again has its bad calls kept once.
     */
    private static Rejection rejection(Way way, int position, List<JsonNode> calls, String reason) {
        return Rejection.of(way.source(), position + 1L, Inputs.RUDDERSTACK, completed(calls.get(position), null),
                reason);
    }

    /** The call as JSON text, with timestamp, and receivedAt unless null, set when absent. */
    public static String completed(JsonNode call, Instant receivedAt) {
        if (!(call instanceof ObjectNode object)) {
            return call.toString();
        }
        ObjectNode completed = object.deepCopy();
        if (receivedAt != null && absent(completed.get("receivedAt"))) {
            completed.put("receivedAt", receivedAt.toString());
        }
        if (absent(completed.get("timestamp")) && !absent(completed.get("originalTimestamp"))) {
            completed.set("timestamp", completed.get("originalTimestamp"));
        }
        return completed.toString();
    }

    private static boolean absent(JsonNode value) {
        return value == null || value.isNull();
    }
}
