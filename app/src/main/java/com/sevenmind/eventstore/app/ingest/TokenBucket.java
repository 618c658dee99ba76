package com.sevenmind.eventstore.app.ingest;

import java.util.function.LongSupplier;

/** A token bucket: {@code rate} tokens a second, at most {@code burst} held. */
final class TokenBucket {

    private final double rate;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    TokenBucket(double rate, double burst, LongSupplier nanoClock) {
        this.rate = rate;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    /**
     * Takes up to {@code n} tokens, as many as are held, and says how many it took: never more than a burst, and
     * never a debt that would refuse the requests after this one.
     */
    synchronized int take(int n) {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
        last = now;
        int taken = (int) Math.min(n, Math.floor(tokens));
        tokens -= taken;
        return taken;
    }
}
