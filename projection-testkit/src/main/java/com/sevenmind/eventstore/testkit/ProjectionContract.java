package com.sevenmind.eventstore.testkit;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.generator.Chaos;
import com.sevenmind.eventstore.generator.Generator;
import com.sevenmind.eventstore.generator.GeneratorSettings;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks a projection against the {@link Projection} contract, in one call from the projection's own tests:
 * {@code ProjectionContract.verify(new MyProjection())}.
 * The default streams hold events of other types too (a generic one and a registered one of the kit's own), as the
 * store hands every event of a user to every projection: a projection must leave alone those it does not know.
 * The events are made into user streams as the store would (a re-delivered event kept once, each stream in
 * (timestamp, unique_id) order, no payload when the projection says {@code needsPayload()} is false), and then:
 * <ol>
 *   <li>every view, of every stream and of the initial state, serializes to JSON with the project's mapper, and
 *       taking it twice gives the same JSON;</li>
 *   <li>{@code initialState()} is fresh: folding a stream into one initial state changes no other;</li>
 *   <li>{@code apply} depends on its arguments only: each stream folded again, interleaved event by event with
 *       another stream's fold, gives the view it gave folded alone;</li>
 *   <li>when the projection saves its state ({@code snapshotType()}), folding in one pass equals folding in two, the
 *       state saved and read back in between as the snapshot cache does it (and from the saved state's JSON), at
 *       several split points of each stream.</li>
 *   <li>a view is a value: taken, then its state folded on, it writes what it wrote when taken.</li>
 *   <li>when the projection names its payload fields ({@code payloadFields()}), each stream stored and read back
 *       decoding only those gives the view it gives decoded whole, events stored in an old version included.</li>
 * </ol>
 * A broken rule throws an {@link AssertionError} that names the projection, the rule, the user, the split point or
 * event, and the first place where the JSON views differ.
 */
public final class ProjectionContract {

    private ProjectionContract() {
    }

    /**
     * The default source: the generator's scrambled data with more chaos than its defaults (late and re-delivered
     * events, second ends, ends before starts, events on one microsecond), so that a few thousand events hold every
     * case: 30 users, 2 of them main characters, 4,000 events over 30 days.
     */
    public static GeneratorSettings defaultSettings() {
        return new GeneratorSettings(30, 2, 4_000, 14, Instant.parse("2025-01-01T00:00:00Z"), Duration.ofDays(30),
                new Chaos(0.1, 0.05, 0.1, 0.05, 0.1));
    }

    /**
     * Checks {@code projection} on the {@link #defaultSettings()} streams, with events of other types among them.
     *
     * @param projection the projection to check
     * @throws AssertionError naming the rule broken
     */
    public static void verify(Projection<?> projection) {
        verify(projection, () -> OtherTypes.among(new Generator(defaultSettings()).events()));
    }

    /**
     * Checks {@code projection} on the users' streams of {@code arrivals}, events of any users in arrival order,
     * re-deliveries included: a list, or a generator's {@code Generator::events}.
     */
    public static void verify(Projection<?> projection, Iterable<? extends Event> arrivals) {
        new Checks<>(projection, UserStreams.of(arrivals, projection)).run();
    }
}
