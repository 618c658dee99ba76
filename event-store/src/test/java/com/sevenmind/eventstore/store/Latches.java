package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waiting on a latch in a test: for at most 30 s, failing the test after that. */
public final class Latches {

    private Latches() {
    }

    /** Waits for {@code latch}, from any thread: a timeout or an interrupt fails the test. */
    public static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "a latch was not counted down within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
