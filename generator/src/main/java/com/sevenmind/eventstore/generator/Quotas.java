package com.sevenmind.eventstore.generator;

import java.util.Comparator;
import java.util.stream.IntStream;

/** Splits a total into whole shares proportional to weights that add up exactly to the total. */
final class Quotas {

    private Quotas() {
    }

    /**
     * Largest remainder method: everyone gets the floor of their exact share; the few units left over go one each
     * to the largest fractional parts, ties to the lower index (so main characters, listed first, win ties).
     */
    static long[] split(long total, long[] weights) {
        long weightSum = 0;
        for (long weight : weights) {
            weightSum += weight;
        }
        // total * weight could overflow a long; splitting total into whole sums and a rest cannot.
        long wholeSums = total / weightSum;
        long rest = total % weightSum;
        long[] shares = new long[weights.length];
        long[] fractions = new long[weights.length];
        long handedOut = 0;
        for (int i = 0; i < weights.length; i++) {
            long scaledRest = rest * weights[i];
            shares[i] = wholeSums * weights[i] + scaledRest / weightSum;
            fractions[i] = scaledRest % weightSum;
            handedOut += shares[i];
        }
        // The sort is stable, so equal fractions keep index order.
        IntStream.range(0, weights.length).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> fractions[i]).reversed())
                .limit(total - handedOut)
                .forEach(i -> shares[i]++);
        return shares;
    }
}
