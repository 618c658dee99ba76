package com.sevenmind.eventstore.app.projecting;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.app.ErrorMessages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How late a user's events arrived: recorded_at − timestamp (when the store got them), or received_at − timestamp
 * (when RudderStack got them), against a threshold. A projection of the project command's own, not listed with the
 * others. Its state is every delay measured, not a count for one threshold, so that one state (and one snapshot) per
 * user serves every threshold: a new {@code late_after} continues from it instead of folding the stream again. Its
 * name carries only the time measured from, which the state depends on.
 */
public final class Lateness implements Projection<Lateness.State> {

    /** The time an event's delay is measured to, as {@code project --late-from} and HTTP's {@code late_from} say. */
    public enum From {
        recorded_at, received_at;

        /** Reads HTTP's {@code late_from}, as the command line reads {@code --late-from}; else throws. */
        public static From parse(String value) {
            for (From from : values()) {
                if (from.name().equals(value)) {
                    return from;
                }
            }
            throw new IllegalArgumentException(ErrorMessages.quote(value) + " is not recorded_at or received_at");
        }
    }

    /** As {@code project --late-after}'s default. */
    public static final Duration DEFAULT_THRESHOLD = Duration.ofHours(1);
    /** 100 years of 365.25 days: any real lateness, and far from where the threshold in nanoseconds overflows. */
    static final Duration MAX_THRESHOLD = Duration.ofDays(36_525);

    /**
     * Reads a threshold, for {@code project --late-after} and HTTP's {@code late_after} alike; an
     * {@link IllegalArgumentException} saying what is wrong if it is not one.
     */
    public static Duration threshold(String value) {
        Duration threshold;
        try {
            threshold = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(ErrorMessages.quote(value) + " is not an ISO-8601 duration, e.g. PT1H");
        }
        if (threshold.isNegative() || threshold.isZero() || threshold.compareTo(MAX_THRESHOLD) > 0) {
            throw new IllegalArgumentException(ErrorMessages.quote(value) + " is out of range: use a positive "
                    + "duration of at most 100 years (P36525D), e.g. PT1H");
        }
        return threshold;
    }

    private final long thresholdMicros;
    private final From from;
    private final String name;

    public Lateness(Duration threshold, From from) {
        this.thresholdMicros = threshold.toNanos() / 1000;
        this.from = from;
        this.name = from == From.recorded_at ? "lateness" : "lateness " + from;
    }

    /**
     * The delays of the events measured, in microseconds, in stream order, and the events without the time measured
     * to (received_at only; recorded_at is always there). Eight bytes an event: a threshold is counted against them
     * when the view is taken, which a count for one threshold could not be. Saved by {@link Writer} as one block of
     * bytes, eight big-endian a delay, which loads in one bulk copy where a parser reads each number apart.
     */
    @JsonSerialize(using = State.Writer.class)
    static final class State {
        private long[] delays;
        private int size;
        private long unmeasured;

        State() {
            this(new long[16], 0);
        }

        @JsonCreator
        State(@JsonProperty("delays") byte[] delays, @JsonProperty("unmeasured") long unmeasured) {
            if (delays.length % Long.BYTES != 0) {
                throw new IllegalArgumentException("the saved delays are " + delays.length
                        + " bytes, not eight a delay");
            }
            this.size = delays.length / Long.BYTES;
            // Room for the events a read after the snapshot adds: a long stream's array is not copied for the first.
            this.delays = new long[size + Math.max(16, size / 64)];
            ByteBuffer.wrap(delays).asLongBuffer().get(this.delays, 0, size);
            this.unmeasured = unmeasured;
        }

        private State(long[] delays, int size) {
            this.delays = delays;
            this.size = size;
        }

        static final class Writer extends StdSerializer<State> {

            Writer() {
                super(State.class);
            }

            @Override
            public void serialize(State state, JsonGenerator g, SerializerProvider provider) throws IOException {
                byte[] delays = new byte[state.size * Long.BYTES];
                ByteBuffer.wrap(delays).asLongBuffer().put(state.delays, 0, state.size);
                g.writeStartObject();
                g.writeBinaryField("delays", delays);
                g.writeNumberField("unmeasured", state.unmeasured);
                g.writeEndObject();
            }
        }

        void add(long delay) {
            if (size == delays.length) {
                delays = Arrays.copyOf(delays, Math.max(16, size + (size >> 1)));
            }
            delays[size++] = delay;
        }
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
        return new State();
    }

    @Override
    public boolean needsPayload() {
        return false;
    }

    @Override
    public boolean needsReceivedAt() {
        return from == From.received_at;
    }

    /** 2: the delays saved as one block of bytes; 1 saved them as an array of numbers. */
    @Override
    public int version() {
        return 2;
    }

    @Override
    public Optional<Class<State>> snapshotType() {
        return Optional.of(State.class);
    }

    @Override
    public State apply(State state, RecordedEvent event) {
        Instant arrived = from == From.recorded_at ? event.recordedAt() : event.receivedAt();
        if (arrived == null) {
            state.unmeasured++;
        } else {
            state.add(ChronoUnit.MICROS.between(event.timestamp(), arrived));
        }
        return state;
    }

    /**
     * The JSON shape: {"late_after_seconds","late_events","max_delay_seconds"}, and with received_at
     * {"late_from":"received_at","unmeasured":N} after them.
     */
    @Override
    public View view(State state) {
        long late = 0;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < state.size; i++) {
            long delay = state.delays[i];
            late += delay > thresholdMicros ? 1 : 0;
            max = Math.max(max, delay);
        }
        boolean received = from == From.received_at;
        return new View(thresholdMicros / 1e6, late, state.size == 0 ? null : max / 1e6, received ? from : null,
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
