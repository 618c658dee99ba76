package com.sevenmind.eventstore.app.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.codec.JsonFields;
import com.sevenmind.eventstore.codec.PipelineMetadata;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Accepted;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Parsed;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Skipped;
import com.sevenmind.eventstore.store.AppendBatcher;
import com.sevenmind.eventstore.store.AppendOptions;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.StoreException;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The ways in over HTTP: a Pub/Sub push of one RudderStack event, and a JSON array of native events; and the
 * quarantine's bounds for them and for {@link RudderStackIngest}. An answer is only given once its outcome is durable:
 * stored events are committed, and an input that can never be stored (unreadable, refused by the database, or in
 * conflict with what is stored) is in the quarantine before it is answered. A database failure escapes as
 * {@link StoreException}, so that nothing is acknowledged.
 *
 * <p>The quarantine is bounded: past its cap for the endpoint an input is answered 507 and not kept. Endpoints
 * served without a token are open to anyone, so there an input is also not kept past {@link #RATE} a second (a
 * burst of {@link #BURST}; inputs, not requests), answered 429 (RudderStack's calls: counted in the answer), and only
 * the first {@link Inputs#KEPT_CHARS} characters of each are kept. Every input not kept is counted in the
 * quarantine's drops.
 *
 * <p>Over 300 lines on purpose: every way in (push, events) shares the same refusal, quarantine and rate rules, kept
 * together so they cannot drift.
 */
final class HttpIngest {

    /** An ingestion endpoint: its path, and the input format its bodies are quarantined as. */
    enum Way {
        PUSH("/pubsub/push", Inputs.PUBSUB), EVENTS("/events", Inputs.NATIVE),
        TRACK("/v1/track", Inputs.RUDDERSTACK), BATCH("/v1/batch", Inputs.RUDDERSTACK);

        final String path;
        final String format;

        Way(String path, String format) {
            this.path = path;
            this.format = format;
        }

        /** The quarantine's source of the inputs that came this way. */
        String source() {
            return "http POST " + path;
        }
    }

    /** Quarantined inputs a second per endpoint without a token, and how many may come at once. */
    static final int RATE = 10;
    static final int BURST = 100;

    /** The reason a conflicting input is quarantined with. */
    static final String CONFLICT = "conflict";

    private final EventStore store;
    /** Pushes come one event a request: concurrent ones share a commit. */
    private final AppendBatcher batcher;
    private final Quarantine quarantine;
    private final Inputs inputs;
    private final ObjectMapper mapper;
    private final Set<Way> authenticated;
    private final boolean nackRejected;
    private final Map<Way, TokenBucket> rates = new EnumMap<>(Way.class);
    private final IngestMetrics metrics;

    /**
     * @param authenticated the ways in whose every request proves itself (a token): their inputs are kept whole and
     *                      at any rate, up to the cap
     * @param nanoClock     the time the rate is measured by, in nanoseconds, as {@link System#nanoTime()}
     * @param nackRejected  refuse a push whose input was quarantined (400, 409), for a dead-letter topic; else it is
     *                      acknowledged, since the quarantine holds it for {@code rejected --retry}
     */
    HttpIngest(EventStore store, Quarantine quarantine, Inputs inputs, ObjectMapper mapper, Set<Way> authenticated,
               LongSupplier nanoClock, boolean nackRejected) {
        this(store, quarantine, inputs, mapper, authenticated, nanoClock, nackRejected, IngestMetrics.none(),
                TracerProvider.noop().get(HttpIngest.class.getName()));
    }

    /**
     * As above, counting what becomes of the events in {@code metrics}, and tracing the pushes' shared commits with
     * {@code tracer}.
     */
    HttpIngest(EventStore store, Quarantine quarantine, Inputs inputs, ObjectMapper mapper, Set<Way> authenticated,
               LongSupplier nanoClock, boolean nackRejected, IngestMetrics metrics, Tracer tracer) {
        this.metrics = metrics;
        this.store = store;
        this.batcher = new AppendBatcher(store, AppendBatcher.MAX_BATCH, AppendBatcher.MAX_WAIT, tracer);
        this.quarantine = quarantine;
        this.inputs = inputs;
        this.mapper = mapper;
        this.authenticated = Set.copyOf(authenticated);
        this.nackRejected = nackRejected;
        for (Way way : Way.values()) {
            rates.put(way, new TokenBucket(RATE, BURST, nanoClock));
        }
    }

    /**
     * POST /pubsub/push: {"result":"stored"|"duplicate"}, {"result":"skipped","reason":…} for other calls and for
     * events of forgotten users, or {"result":"quarantined","reason":…} (refused instead with --nack-rejected).
     */
    Map<String, String> push(PushBody.Input input) {
        String body = input.text();
        Parsed parsed;
        try {
            parsed = inputs.read(input.format(), body);
        } catch (InvalidEventException e) {
            return quarantined(400, input, e.getMessage(), e.getMessage());
        }
        if (parsed instanceof Skipped skipped) {
            metrics.count(Way.PUSH, IngestMetrics.Outcome.SKIPPED, 1);
            return skipped(skipped.reason());
        }
        Accepted accepted = (Accepted) parsed;
        Event event = accepted.event();
        String[] refused = {null};
        long start = System.nanoTime();
        AppendResult result = batcher.append(event, accepted.metadata(), reason -> refused[0] = reason);
        metrics.appended(Way.PUSH, result, System.nanoTime() - start);
        if (refused[0] != null) {
            return quarantined(400, input, Inputs.refused(refused[0]), Inputs.refused(refused[0]));
        }
        if (result.forgotten() > 0) {
            // Acknowledged, so that Pub/Sub stops delivering it; kept nowhere, as the user asked.
            return skipped("user was forgotten");
        }
        if (result.conflicts() > 0) {
            return quarantined(409, input, CONFLICT, "conflict: " + event.userId() + "/" + event.uniqueId()
                    + " is stored with other content");
        }
        return Map.of("result", result.stored() > 0 ? "stored" : "duplicate");
    }

    IngestMetrics metrics() {
        return metrics;
    }

    /** The commits pushes have shared so far. */
    AppendBatcher.Counts pushCommits() {
        return batcher.counts();
    }

    private static Map<String, String> skipped(String reason) {
        return result("skipped", reason);
    }

    private static Map<String, String> result(String result, String reason) {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("result", result);
        answer.put("reason", reason);
        return answer;
    }

    /**
     * Quarantines a push, then acknowledges it as quarantined, or refuses it with {@code status} under
     * --nack-rejected. An input not kept (429, 507) is refused either way: nothing holds it.
     */
    private Map<String, String> quarantined(int status, PushBody.Input input, String reason, String answer) {
        Drop drop = keep(Way.PUSH, List.of(Rejection.of(Way.PUSH.source(), null, input.format(), input.text(),
                reason)));
        if (drop != null || nackRejected) {
            throw answer(status, answer, drop);
        }
        return result("quarantined", answer);
    }

    /** Whether a request whose inputs were quarantined is refused (400, 409) rather than acknowledged. */
    boolean nackRejected() {
        return nackRejected;
    }

    /**
     * POST /events: all or nothing. Any invalid element, or one the database refuses, refuses the request with
     * nothing stored; else all are appended in one transaction, and the conflicting ones are quarantined.
     */
    AppendResult events(String body) {
        List<String> elements;
        try {
            elements = elements(body);
        } catch (InvalidEventException e) {
            throw refuse(400, Way.EVENTS, body, e.getMessage());
        }
        List<Event> events = new ArrayList<>(elements.size());
        List<PipelineMetadata> metadata = new ArrayList<>(elements.size());
        SortedMap<Integer, String> invalid = new TreeMap<>();
        for (int i = 0; i < elements.size(); i++) {
            try {
                // Native input is never skipped: it is an event or it is invalid.
                Accepted accepted = (Accepted) inputs.read(Way.EVENTS.format, elements.get(i));
                events.add(accepted.event());
                metadata.add(accepted.metadata());
            } catch (InvalidEventException e) {
                invalid.put(i, e.getMessage());
            }
        }
        if (invalid.isEmpty()) {
            List<Rejection> conflicts = new ArrayList<>();
            AppendResult result;
            try {
                long start = System.nanoTime();
                result = store.append(events, AppendOptions.DEFAULTS.withMetadata(metadata).withListener(i ->
                        conflicts.add(Rejection.of(Way.EVENTS.source(), i + 1L, Way.EVENTS.format, elements.get(i),
                                CONFLICT))));
                metrics.appended(Way.EVENTS, result, System.nanoTime() - start);
            } catch (StoreException e) {
                if (EventStore.refusal(e) == null) {
                    throw e;
                }
                store.refusals(events, AppendOptions.DEFAULTS.withMetadata(metadata))
                        .forEach((i, reason) -> invalid.put(i, Inputs.refused(reason)));
                if (invalid.isEmpty()) {
                    throw e;
                }
                result = null;
            }
            if (result != null) {
                // Stored already: an answer of 429 or 507 would have the events sent again; the drop is counted.
                keep(Way.EVENTS, conflicts);
                return result;
            }
        }
        List<Rejection> rejected = new ArrayList<>();
        invalid.forEach((i, reason) -> rejected.add(
                Rejection.of(Way.EVENTS.source(), i + 1L, Way.EVENTS.format, elements.get(i), reason)));
        int first = invalid.firstKey();
        throw answer(400, "event " + (first + 1) + ": " + invalid.get(first), keep(Way.EVENTS, rejected));
    }

    /** Quarantines a whole body that came {@code way}, then returns the refusal to throw, saying {@code reason}. */
    HttpError refuse(int status, Way way, String body, String reason) {
        return refuse(status, way, body, reason, reason);
    }

    /** As above, answering {@code answer} rather than the reason kept. */
    HttpError refuse(int status, Way way, String body, String reason, String answer) {
        return answer(status, answer, keep(way, List.of(Rejection.of(way.source(), null, way.format, body, reason))));
    }

    /** The refusal to answer: as given, or, when the input was not kept, why not. */
    static HttpError answer(int status, String answer, Drop drop) {
        return drop == null ? new HttpError(status, answer) : new HttpError(drop.status(), answer + "; " + drop.why());
    }

    /**
     * Why inputs were not kept, and the status that says so: 429 when some were past the rate (only those), 507 when
     * some were past the cap.
     *
     * @param inputs how many were not kept
     */
    record Drop(int status, String why, int inputs) {
    }

    /**
     * Quarantines inputs that came {@code way}, within its rate and cap; null when all were kept. Without a token the
     * rate counts inputs, not requests, and a request takes at most what the bucket holds: the inputs past it (the
     * last ones) are not kept, and counted.
     */
    Drop keep(Way way, List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return null;
        }
        // Conflicts come here to be kept, and are counted as conflicts by the append that found them.
        metrics.count(way, IngestMetrics.Outcome.QUARANTINED,
                rejections.stream().filter(r -> !r.reason().equals(CONFLICT)).count());
        boolean open = !authenticated.contains(way);
        List<Rejection> kept = open ? rejections.stream().map(HttpIngest::cut).toList() : rejections;
        int allowed = open ? rates.get(way).take(kept.size()) : kept.size();
        List<Rejection> overRate = kept.subList(allowed, kept.size());
        if (!overRate.isEmpty()) {
            quarantine.dropped(way.source(), overRate.size(),
                    overRate.stream().mapToLong(r -> Quarantine.utf8Length(r.input())).sum());
        }
        int overCap = quarantine.add(kept.subList(0, allowed)).size();
        if (overCap > 0) {
            return new Drop(507, "quarantine full for source " + way.source() + "; not kept",
                    overCap + overRate.size());
        }
        if (!overRate.isEmpty()) {
            return new Drop(429, String.format("not kept: over %d invalid inputs a second on %s without a token; "
                    + "send again later", RATE, way.path), overRate.size());
        }
        return null;
    }

    /** An input sent without a token, cut to its first {@link Inputs#KEPT_CHARS} characters, as its reason says. */
    private static Rejection cut(Rejection r) {
        if (r.input().length() <= Inputs.KEPT_CHARS) {
            return r;
        }
        return Rejection.of(r.source(), r.line(), r.inputFormat(), r.input().substring(0, Inputs.KEPT_CHARS),
                r.reason() + String.format(" (sent without a token: its first %,d of %,d characters kept)",
                        Inputs.KEPT_CHARS, r.input().length()));
    }

    /** The text of each element of a JSON array, verbatim as sent, so that a bad one is quarantined as it came. */
    private List<String> elements(String body) {
        try (JsonParser parser = mapper.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new InvalidEventException(null, null, "request body is not a JSON array of events");
            }
            List<String> elements = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                int start = (int) parser.currentTokenLocation().getCharOffset();
                // Reading the element as a tree consumes it whole (a string too), leaving the parser just after it.
                mapper.readTree(parser);
                elements.add(body.substring(start, (int) parser.currentLocation().getCharOffset()));
            }
            if (parser.nextToken() != null) {
                throw new InvalidEventException(null, null, "request body has more after its JSON array");
            }
            return elements;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(null, null, "request body is " + JsonFields.problem(e, true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a request body held in memory", e);
        }
    }
}
