package com.sevenmind.eventstore.app.http;

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

    /** Takes {@code n} tokens if there are; more than a burst are taken from a full bucket, leaving a debt. */
    synchronized boolean take(int n) {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
        last = now;
        if (tokens < Math.min(n, burst)) {
            return false;
        }
        tokens -= n;
        return true;
    }
}
