package com.sevenmind.eventstore.generator;

/**
 * Pub/Sub-like message ids: decimal numbers of 16 to 19 digits, distinct within one generator run.
 *
 * <p>Each id is a bijective mix of a seed-derived base plus a counter, so ids look random yet cannot collide
 * until the counter wraps at 2^63.
 */
final class UniqueIds {

    private static final long MASK_63_BITS = Long.MAX_VALUE;
    // The smallest 16-digit number; adding at most 2^63 - 1 stays below 10^19, so 16 to 19 digits.
    private static final long SMALLEST = 1_000_000_000_000_000L;

    private final long base;
    private long counter;

    UniqueIds(long base) {
        this.base = base;
    }

    String next() {
        return Long.toUnsignedString(SMALLEST + mix((base + counter++) & MASK_63_BITS));
    }

    /**
     * The SplitMix64 finalizer narrowed to 63 bits. Each step is a bijection of [0, 2^63): a right xor-shift can
     * be undone, and so can a multiplication by an odd number modulo 2^63.
     */
    static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L & MASK_63_BITS;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL & MASK_63_BITS;
        return x ^ (x >>> 31);
    }
}
