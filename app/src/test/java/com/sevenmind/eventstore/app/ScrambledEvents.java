package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Event sets for property tests, small enough that what goes wrong in real pipelines happens often. */
final class ScrambledEvents {

    static final Instant T0 = Instant.parse("2024-06-01T21:00:00Z");
    private static final long[] MICROS = {0, 1, 123_456};

    private ScrambledEvents() {
    }

    /**
     * Few users, sessions, ids and instants, so ties on timestamp, clashes of unique_id across users, sessions with
     * several starts or ends, missing starts or ends and ends before starts are all common; the time zones put some
     * sessions on another local date than in UTC. Distinct by (user, unique_id).
     */
    static Arbitrary<List<Event>> events(List<UUID> users) {
        Arbitrary<Event> event = Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(users),
                Arbitraries.strings().withChars("abcAB019_-").ofMinLength(1).ofMaxLength(3),
                Arbitraries.integers().between(0, 602),
                Arbitraries.of("s1", "s2", "s3", "s4"),
                Arbitraries.of("Europe/Berlin", "America/New_York", "Asia/Tokyo"),
                Arbitraries.of("sevenmind://content/single/aaaaa/recording/bbbbb",
                        "sevenmind://content/course/ccccc/item/ddddd/recording/eeeee"),
                Arbitraries.doubles().between(0, 1800).ofScale(3).injectNull(0.3)
        ).as((type, user, id, instant, session, zone, uri, position) -> {
            // 201 slots of 97 s over five and a half hours around midnight, three instants in each: ties are likely.
            Instant at = T0.plusSeconds(instant / 3 * 97L).plus(MICROS[instant % 3], ChronoUnit.MICROS);
            Content content = Content.parse(uri);
            return switch (type) {
                case 0 -> new ContentPieceStarted(user, id, session, at, zone, "de-DE", content);
                case 1 -> new ContentPieceCompleted(user, id, session, at, zone, "de-DE", content, position);
                default -> new ContentPieceCancelled(user, id, session, at, zone, "de-DE", content, position);
            };
        });
        return event.list().ofMaxSize(60).uniqueElements(e -> List.of(e.userId(), e.uniqueId()));
    }
}
