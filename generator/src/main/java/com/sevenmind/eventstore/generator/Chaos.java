package com.sevenmind.eventstore.generator;

/**
 * How much the {@link Generator} scrambles its events the way real delivery pipelines do; each knob is a
 * probability from 0 (never) to 1 (always).
 *
 * <p>Chaos decisions come from a random generator of their own, so {@link #NONE} leaves the events exactly as
 * they are without chaos, and any chaos is as reproducible from the seed as the events themselves.
 *
 * <p>Skewed ends and second ends may fall outside {@link GeneratorSettings#period()}: up to 2 minutes before its
 * start, up to 10 minutes after its end.
 *
 * @param late      per event: it is held back and arrives after 1 to 20,000 further events (or at the very end)
 * @param redeliver per event: an exact copy (an equal record) arrives again after 0 to 2,000 further events (or at
 *                  the very end); copies come on top of {@link GeneratorSettings#events()}
 * @param extraEnd  per session with an end: a second {@code ContentPieceCompleted} or {@code ContentPieceCancelled}
 *                  (50/50, own unique_id) 0 to 600 seconds after the first end; it counts against the user's
 *                  quota and is skipped when the quota is used up
 * @param skew      per session with a start and an end: the end is moved to 1 to 120 seconds before the start
 * @param sameMicro per session with two or more events: all of them get the start's timestamp (or, with no start,
 *                  the first end's)
 */
public record Chaos(double late, double redeliver, double extraEnd, double skew, double sameMicro) {

    /** No chaos: the events and their arrival order are the plain generator's. */
    public static final Chaos NONE = new Chaos(0, 0, 0, 0, 0);

    public Chaos {
        requireProbability("late", late);
        requireProbability("redeliver", redeliver);
        requireProbability("extra-end", extraEnd);
        requireProbability("skew", skew);
        requireProbability("same-micro", sameMicro);
    }

    /** A few percent of each: 5% late, 3% redelivered, 2% extra ends, 1% skewed, 2% on the same microsecond. */
    public static Chaos defaults() {
        return new Chaos(0.05, 0.03, 0.02, 0.01, 0.02);
    }

    private static void requireProbability(String knob, double value) {
        // Written so that NaN fails too. Knobs are named as the command line spells them.
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(knob + " must be between 0 and 1, was " + value);
        }
    }
}
