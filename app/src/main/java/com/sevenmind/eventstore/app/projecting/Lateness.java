package com.sevenmind.eventstore.app.projecting;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.app.ErrorMessages;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How late a user's events arrived: recorded_at − timestamp (when the store got them), or received_at − timestamp
 * (when RudderStack got them), against a threshold. A projection of the project command's own, not listed with the
 * others: its name carries the threshold and the time measured from, so that its snapshots of one are never used
 * for another.
 */
public final class Lateness implements Projection<Lateness.State> {

    /** The time an event's delay is measured to, as {@code project --late-from} and HTTP's {@code late_from} say. */
    public enum From {
        recorded_at, received_at;

        /** Reads HTTP's {@code late_from}, as picocli reads {@code --late-from}. */
        public static From parse(String value) {
            for (From from : values()) {
                if (from.name().equals(value)) {
                    return from;
                }
            }
            throw new TypeConversionException(ErrorMessages.quote(value) + " is not recorded_at or received_at");
        }
    }

    /** As {@code project --late-after}'s default. */
    public static final Duration DEFAULT_THRESHOLD = Duration.ofHours(1);
    /** 100 years of 365.25 days: any real lateness, and far from where the threshold in nanoseconds overflows. */
    static final Duration MAX_THRESHOLD = Duration.ofDays(36_525);

    /** Reads a threshold, for {@code project --late-after} and HTTP's {@code late_after} alike. */
    public static final class Threshold implements ITypeConverter<Duration> {

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
    private final From from;
    private final String name;

    public Lateness(Duration threshold, From from) {
        this.thresholdMicros = threshold.toNanos() / 1000;
        this.from = from;
        // recorded_at keeps the name it had before there was a choice, and with it the snapshots saved since.
        this.name = "lateness " + (from == From.recorded_at ? "" : from + " ") + threshold;
    }

    /**
     * @param maxDelayMicros null before the first event measured
     * @param unmeasured     events without the time measured to (received_at only; recorded_at is always there)
     */
    record State(long lateEvents, Long maxDelayMicros, long unmeasured) {
    }

    /** {@code projections}, then this one: what {@code project} runs. */
    public List<Projection<?>> after(List<? extends Projection<?>> projections) {
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
        return new State(0, null, 0);
    }

    @Override
    public boolean needsPayload() {
        return false;
    }

    @Override
    public boolean needsReceivedAt() {
        return from == From.received_at;
    }

    @Override
    public Optional<Class<State>> snapshotType() {
        return Optional.of(State.class);
    }

    @Override
    public State apply(State state, RecordedEvent event) {
        Instant arrived = from == From.recorded_at ? event.recordedAt() : event.receivedAt();
        if (arrived == null) {
            return new State(state.lateEvents, state.maxDelayMicros, state.unmeasured + 1);
        }
        long delay = ChronoUnit.MICROS.between(event.timestamp(), arrived);
        return new State(state.lateEvents + (delay > thresholdMicros ? 1 : 0),
                state.maxDelayMicros == null ? delay : Math.max(delay, state.maxDelayMicros), state.unmeasured);
    }

    /**
     * The JSON shape: {"late_after_seconds","late_events","max_delay_seconds"}, and with received_at
     * {"late_from":"received_at","unmeasured":N} after them.
     */
    @Override
    public View view(State state) {
        boolean received = from == From.received_at;
        return new View(thresholdMicros / 1e6, state.lateEvents,
                state.maxDelayMicros == null ? null : state.maxDelayMicros / 1e6, received ? from : null,
                received ? state.unmeasured : null);
    }

    /**
     * @param lateAfterSeconds the threshold: events that arrived more than this after they happened are late
     * @param maxDelaySeconds  the largest delay of the user's events measured; null without any
     * @param lateFrom         received_at when measured so; null (left out) for recorded_at
     * @param unmeasured       with received_at, the events without one, not measured; else null (left out)
     */
    public record View(double lateAfterSeconds, long lateEvents, Double maxDelaySeconds,
                @JsonInclude(JsonInclude.Include.NON_NULL) From lateFrom,
                @JsonInclude(JsonInclude.Include.NON_NULL) Long unmeasured) {
    }
}
