package com.sevenmind.eventstore.generator;

import java.util.SplittableRandom;
import java.util.UUID;

/** Version-4 UUIDs drawn from a seeded generator instead of {@link UUID#randomUUID()}, so runs repeat. */
final class Uuids {

    private Uuids() {
    }

    static UUID randomV4(SplittableRandom random) {
        long mostSignificant = (random.nextLong() & ~0xF000L) | 0x4000L;
        long leastSignificant = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(mostSignificant, leastSignificant);
    }
}
