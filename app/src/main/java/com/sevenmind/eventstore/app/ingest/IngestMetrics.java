package com.sevenmind.eventstore.app.ingest;

import com.sevenmind.eventstore.store.AppendResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the ways in did with their events, by way ({@code source}: push, events, and webhook for
 * RudderStack's two): {@code eventstore_events_total{source,outcome}} and the appends' latency,
 * {@code eventstore_append_seconds{source}}. Every series exists from the start, at 0, so a rate never misses its
 * first event.
 */
public final class IngestMetrics {

    /**
     * The buckets of every latency histogram of serve: a handful that fit a request, an append and a live
     * notification (milliseconds to seconds; a live stream's whole life falls in +Inf), where Micrometer's percentile
     * histogram would give each series some 70.
     */
    private static final Duration[] LATENCY_BUCKETS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000,
            10_000).map(Duration::ofMillis).toArray(Duration[]::new);

    /** A timer published as a histogram with {@link #LATENCY_BUCKETS}. */
    public static Timer.Builder latency(String name) {
        return Timer.builder(name).serviceLevelObjectives(LATENCY_BUCKETS);
    }

    /** What became of an event; each is counted once, as one of these. */
    enum Fate {
        /** new, and now stored */
        STORED,
        /** stored before with the same content */
        DUPLICATE,
        /** stored before with other content: quarantined, and counted here only */
        CONFLICT,
        /** unreadable, or refused by the database: sent to the quarantine (which may refuse to keep it, the rate, the cap) */
        QUARANTINED,
        /** not an event of ours (another call), or of a forgotten user: acknowledged, kept nowhere */
        SKIPPED
    }

    private final Map<Way, Timer> appends = new EnumMap<>(Way.class);
    private final Map<Way, Map<Fate, Counter>> events = new EnumMap<>(Way.class);

    public IngestMetrics(MeterRegistry registry) {
        for (Way way : Way.values()) {
            String source = source(way);
            appends.put(way, latency("eventstore.append")
                    .description("Appends of the events of one request, from the call to its commit (a push's wait "
                            + "for its shared commit included)")
                    .tag("source", source).register(registry));
            Map<Fate, Counter> counters = new EnumMap<>(Fate.class);
            for (Fate outcome : Fate.values()) {
                counters.put(outcome, Counter.builder("eventstore.events")
                        .description("Events that came in, by way in and by what became of them")
                        .tags("source", source, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .register(registry));
            }
            events.put(way, counters);
        }
    }

    /**
     * The source a way in is counted under: RudderStack's HTTP API ({@code /v1/track}, {@code /v1/batch}) is the
     * webhook, both ways sharing its series.
     */
    private static String source(Way way) {
        return way == Way.TRACK || way == Way.BATCH ? "webhook" : way.name().toLowerCase(Locale.ROOT);
    }

    /** Records nothing: for an ingestion outside a served registry. */
    public static IngestMetrics none() {
        return new IngestMetrics(new CompositeMeterRegistry());
    }

    /** An append that took {@code nanos} and did {@code result}; the events it refused are counted by the quarantine. */
    void appended(Way way, AppendResult result, long nanos) {
        appends.get(way).record(nanos, TimeUnit.NANOSECONDS);
        count(way, Fate.STORED, result.stored());
        count(way, Fate.DUPLICATE, result.duplicates());
        count(way, Fate.CONFLICT, result.conflicts());
        count(way, Fate.SKIPPED, result.forgotten());
    }

    void count(Way way, Fate outcome, long events) {
        if (events > 0) {
            this.events.get(way).get(outcome).increment(events);
        }
    }
}
