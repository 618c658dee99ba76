package com.sevenmind.eventstore.generator;

import com.sevenmind.eventstore.api.Content;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A fixed set of content pieces, half singles and half course items, that users pick from.
 *
 * <p>A catalogue of realistic size rather than fresh URIs per session, so users replay pieces and per-piece
 * views have something to count.
 */
final class Catalogue {

    static final Duration SHORTEST_PIECE = Duration.ofMinutes(3);
    static final Duration LONGEST_PIECE = Duration.ofMinutes(30);

    private static final int PIECES = 200;
    // Course items share courses, as in the app, where a course holds several items.
    private static final int COURSES = 20;
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int ID_LENGTH = 5;

    private final List<ContentPiece> pieces = new ArrayList<>(PIECES);

    Catalogue(SplittableRandom random) {
        List<String> courses = new ArrayList<>(COURSES);
        for (int i = 0; i < COURSES; i++) {
            courses.add(id(random));
        }
        long shortest = SHORTEST_PIECE.dividedBy(ChronoUnit.MICROS.getDuration());
        long longest = LONGEST_PIECE.dividedBy(ChronoUnit.MICROS.getDuration());
        Set<String> uris = new HashSet<>();
        while (pieces.size() < PIECES) {
            String uri = random.nextBoolean()
                    ? "sevenmind://content/single/" + id(random) + "/recording/" + id(random)
                    : "sevenmind://content/course/" + courses.get(random.nextInt(COURSES))
                            + "/item/" + id(random) + "/recording/" + id(random);
            long length = random.nextLong(shortest, longest + 1);
            // Two lengths for one URI would make "completed" ambiguous.
            if (uris.add(uri)) {
                pieces.add(new ContentPiece(Content.parse(uri), length));
            }
        }
    }

    /** Skewed towards the first pieces, so a few favourites are played far more often than the rest. */
    ContentPiece pick(SplittableRandom random) {
        double u = random.nextDouble();
        return pieces.get((int) (u * u * PIECES));
    }

    private static String id(SplittableRandom random) {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }
}
