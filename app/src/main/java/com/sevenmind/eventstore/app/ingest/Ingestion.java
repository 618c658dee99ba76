package com.sevenmind.eventstore.app.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.app.ingest.Outcome.Drop;
import com.sevenmind.eventstore.app.ingest.Outcome.Limit;
import com.sevenmind.eventstore.app.ingest.Outcome.Problem;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What is stored, quarantined, skipped or not kept of what comes over the ways in: a Pub/Sub push of one RudderStack
 * event, whose concurrent pushes share a commit ({@link AppendBatcher}), and a JSON array of native events; and the
 * quarantine's bounds for them and for {@link RudderStackIngest}. It answers with an {@link Outcome} only once that is
 * durable: stored events are committed, and an input that can never be stored (unreadable, refused by the database, or
 * in conflict with what is stored) is in the quarantine, or is known not kept. A database failure escapes as
 * {@link StoreException}, so that nothing is acknowledged.
 *
 * <p>The quarantine is bounded: past its cap for the way in an input is not kept. Ways in without a token are open to
 * anyone, so there an input is also not kept past {@link #RATE} a second (a burst of {@link #BURST}; inputs, not
 * requests), and only the first {@link Inputs#KEPT_CHARS} characters of each are kept. Every input not kept is counted
 * in the quarantine's drops.
 */
public final class Ingestion {

    /** Quarantined inputs a second per way in without a token, and how many may come at once. */
    public static final int RATE = 10;
    public static final int BURST = 100;

    /** The reason a conflicting input is quarantined with. */
    static final String CONFLICT = "conflict";

    private final EventStore store;
    /** Pushes come one event a request: concurrent ones share a commit. */
    private final AppendBatcher batcher;
    private final Quarantine quarantine;
    private final Inputs inputs;
    private final ObjectMapper mapper;
    private final Set<Way> authenticated;
    private final Map<Way, TokenBucket> rates = new EnumMap<>(Way.class);
    private final IngestMetrics metrics;

    /**
     * @param authenticated the ways in whose every request proves itself (a token): their inputs are kept whole and
     *                      at any rate, up to the cap
     * @param nanoClock     the time the rate is measured by, in nanoseconds, as {@link System#nanoTime()}
     */
    public Ingestion(EventStore store, Quarantine quarantine, Inputs inputs, ObjectMapper mapper,
                     Set<Way> authenticated, LongSupplier nanoClock) {
        this(store, new AppendBatcher(store, AppendBatcher.MAX_BATCH, AppendBatcher.MAX_WAIT), quarantine, inputs,
                mapper, authenticated, nanoClock, IngestMetrics.none());
    }

    /**
     * As above, with the pushes sharing the commits of {@code batcher}, and counting what becomes of the events in
     * {@code metrics}.
     */
    public Ingestion(EventStore store, AppendBatcher batcher, Quarantine quarantine, Inputs inputs, ObjectMapper mapper,
                     Set<Way> authenticated, LongSupplier nanoClock, IngestMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.batcher = batcher;
        this.quarantine = quarantine;
        this.inputs = inputs;
        this.mapper = mapper;
        this.authenticated = Set.copyOf(authenticated);
        for (Way way : Way.values()) {
            rates.put(way, new TokenBucket(RATE, BURST, nanoClock));
        }
    }

    /**
     * A push of one input in {@code format}: stored, a duplicate, skipped (another call, or an event of a forgotten
     * user), or quarantined (kept or not). {@code json}, when not null, is {@code text} already read as a JSON
     * object, and is not read again.
     */
    public Outcome push(String format, String text, JsonNode json) {
        Parsed parsed;
        try {
            parsed = inputs.read(format, text, json);
        } catch (InvalidEventException e) {
            return quarantined(Problem.INVALID, format, text, e.getMessage(), e.getMessage());
        }
        if (parsed instanceof Skipped skipped) {
            metrics.count(Way.PUSH, IngestMetrics.Fate.SKIPPED, 1);
            return new Outcome.Skipped(skipped.reason());
        }
        Accepted accepted = (Accepted) parsed;
        Event event = accepted.event();
        String[] refused = {null};
        long start = System.nanoTime();
        AppendResult result = batcher.append(event, accepted.metadata(), reason -> refused[0] = reason);
        metrics.appended(Way.PUSH, result, System.nanoTime() - start);
        if (refused[0] != null) {
            String reason = Inputs.refused(refused[0]);
            return quarantined(Problem.INVALID, format, text, reason, reason);
        }
        if (result.forgotten() > 0) {
            // Acknowledged, so that Pub/Sub stops delivering it; kept nowhere, as the user asked.
            return new Outcome.Skipped("user was forgotten");
        }
        if (result.conflicts() > 0) {
            return quarantined(Problem.CONFLICT, format, text, CONFLICT, "conflict: " + event.userId() + "/"
                    + event.uniqueId() + " is stored with other content");
        }
        return result.stored() > 0 ? new Outcome.Stored() : new Outcome.Duplicate();
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    /** The commits pushes have shared so far. */
    public AppendBatcher.Counts pushCommits() {
        return batcher.counts();
    }

    /** Quarantines a push with the reason {@code kept}; its outcome says {@code reason}. */
    private Outcome quarantined(Problem problem, String format, String text, String kept, String reason) {
        return Outcome.quarantined(problem, reason,
                keep(Way.PUSH, List.of(Rejection.of(Way.PUSH.source(), null, format, text, kept))));
    }

    /**
     * A JSON array of native events, all or nothing: any invalid element, or one the database refuses, and nothing is
     * stored (the bad ones are quarantined); else all are appended in one transaction, and the conflicting ones are
     * quarantined.
     */
    public Outcome events(String body) {
        List<String> elements;
        try {
            elements = elements(body);
        } catch (InvalidEventException e) {
            return refuse(Way.EVENTS, body, e.getMessage(), e.getMessage());
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
                // Stored already: refusing now would have the events sent again; a drop is counted.
                keep(Way.EVENTS, conflicts);
                return Outcome.Appended.of(result);
            }
        }
        List<Rejection> rejected = new ArrayList<>();
        invalid.forEach((i, reason) -> rejected.add(
                Rejection.of(Way.EVENTS.source(), i + 1L, Way.EVENTS.format, elements.get(i), reason)));
        int first = invalid.firstKey();
        return Outcome.quarantined(Problem.INVALID, "event " + (first + 1) + ": " + invalid.get(first),
                keep(Way.EVENTS, rejected));
    }

    /**
     * Quarantines a whole body that came {@code way} and is refused as it is (too long, not UTF-8), with the reason
     * {@code kept}; its outcome says {@code reason}.
     */
    public Outcome refuse(Way way, String body, String kept, String reason) {
        return Outcome.quarantined(Problem.INVALID, reason,
                keep(way, List.of(Rejection.of(way.source(), null, way.format, body, kept))));
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
        metrics.count(way, IngestMetrics.Fate.QUARANTINED,
                rejections.stream().filter(r -> !r.reason().equals(CONFLICT)).count());
        boolean open = !authenticated.contains(way);
        List<Rejection> kept = open ? rejections.stream().map(Ingestion::cut).toList() : rejections;
        int allowed = open ? rates.get(way).take(kept.size()) : kept.size();
        List<Rejection> overRate = kept.subList(allowed, kept.size());
        if (!overRate.isEmpty()) {
            quarantine.dropped(way.source(), overRate.size(),
                    overRate.stream().mapToLong(r -> Quarantine.utf8Length(r.input())).sum());
        }
        int overCap = quarantine.add(kept.subList(0, allowed)).size();
        if (overCap > 0) {
            return new Drop(Limit.CAP, "quarantine full for source " + way.source() + "; not kept",
                    overCap + overRate.size());
        }
        if (!overRate.isEmpty()) {
            return new Drop(Limit.RATE, String.format("not kept: over %d invalid inputs a second on %s without a "
                    + "token; send again later", RATE, way.path), overRate.size());
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
