package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

/** How late a user's events reached the store: recorded_at − timestamp, against a threshold. */
final class Lateness implements Consumer<RecordedEvent> {

    /** As {@code project --late-after}'s default. */
    static final Duration DEFAULT_THRESHOLD = Duration.ofHours(1);

    private final long thresholdMicros;
    private long lateEvents;
    private Long maxDelayMicros;

    Lateness(Duration threshold) {
        this.thresholdMicros = threshold.toNanos() / 1000;
    }

    @Override
    public void accept(RecordedEvent event) {
        long delay = ChronoUnit.MICROS.between(event.timestamp(), event.recordedAt());
        if (delay > thresholdMicros) {
            lateEvents++;
        }
        if (maxDelayMicros == null || delay > maxDelayMicros) {
            maxDelayMicros = delay;
        }
    }

    /** The JSON shape: {"late_after_seconds","late_events","max_delay_seconds"}. */
    View view() {
        return new View(thresholdMicros / 1e6, lateEvents, maxDelayMicros == null ? null : maxDelayMicros / 1e6);
    }

    /**
     * @param lateAfterSeconds the threshold: events recorded more than this after they happened are late
     * @param maxDelaySeconds  the largest recorded_at − timestamp of the user's events; null without events
     */
    record View(double lateAfterSeconds, long lateEvents, Double maxDelaySeconds) {
    }
}
