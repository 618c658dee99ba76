package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How late a user's events reached the store: recorded_at − timestamp, against a threshold. A projection of the
 * project command's own, not listed with the others: its name carries the threshold, so that its snapshots of one
 * threshold are never used for another.
 */
final class Lateness implements Projection<Lateness.State> {

    /** As {@code project --late-after}'s default. */
    static final Duration DEFAULT_THRESHOLD = Duration.ofHours(1);
    /** 100 years of 365.25 days: any real lateness, and far from where the threshold in nanoseconds overflows. */
    static final Duration MAX_THRESHOLD = Duration.ofDays(36_525);

    /** Reads a threshold, for {@code project --late-after} and HTTP's {@code late_after} alike. */
    static final class Threshold implements ITypeConverter<Duration> {

        @Override
        public Duration convert(String value) {
            Duration threshold;
            try {
                threshold = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException(ErrorMessages.quote(value)
                        + " is not an ISO-8601 duration, e.g. PT1H");
            }
            if (threshold.isNegative() || threshold.isZero() || threshold.compareTo(MAX_THRESHOLD) > 0) {
                throw new TypeConversionException(ErrorMessages.quote(value) + " is out of range: use a positive "
                        + "duration of at most 100 years (P36525D), e.g. PT1H");
            }
            return threshold;
        }
    }

    private final long thresholdMicros;
    private final String name;

    Lateness(Duration threshold) {
        this.thresholdMicros = threshold.toNanos() / 1000;
        this.name = "lateness " + threshold;
    }

    /** @param maxDelayMicros null before the first event */
    record State(long lateEvents, Long maxDelayMicros) {
    }

    /** {@code projections}, then this one: what {@code project} runs. */
    List<Projection<?>> after(List<? extends Projection<?>> projections) {
        List<Projection<?>> all = new ArrayList<>(projections);
        all.add(this);
        return all;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public State initialState() {
        return new State(0, null);
    }

    @Override
    public boolean needsPayload() {
        return false;
    }

    @Override
    public Optional<Class<State>> snapshotType() {
        return Optional.of(State.class);
    }

    @Override
    public State apply(State state, RecordedEvent event) {
        long delay = ChronoUnit.MICROS.between(event.timestamp(), event.recordedAt());
        return new State(state.lateEvents + (delay > thresholdMicros ? 1 : 0),
                state.maxDelayMicros == null ? delay : Math.max(delay, state.maxDelayMicros));
    }

    /** The JSON shape: {"late_after_seconds","late_events","max_delay_seconds"}. */
    @Override
    public View view(State state) {
        return new View(thresholdMicros / 1e6, state.lateEvents,
                state.maxDelayMicros == null ? null : state.maxDelayMicros / 1e6);
    }

    /**
     * @param lateAfterSeconds the threshold: events recorded more than this after they happened are late
     * @param maxDelaySeconds  the largest recorded_at − timestamp of the user's events; null without events
     */
    record View(double lateAfterSeconds, long lateEvents, Double maxDelaySeconds) {
    }
}
