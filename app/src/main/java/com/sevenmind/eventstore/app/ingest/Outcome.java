package com.sevenmind.eventstore.app.ingest;

import com.sevenmind.eventstore.store.AppendResult;

/**
 * What became of a request's inputs, as {@link Ingestion} and {@link RudderStackIngest} decide it; the HTTP API only
 * turns it into a status and a body. A database that fails is no outcome: its {@code StoreException} escapes, so that
 * nothing is acknowledged.
 */
public sealed interface Outcome {

    /** Why an input can never be stored. */
    enum Problem {
        /** unreadable, not an event, or refused by the database */
        INVALID,
        /** stored before with other content */
        CONFLICT
    }

    /** One event, new, and now stored. */
    record Stored() implements Outcome {
    }

    /** One event, stored before with the same content. */
    record Duplicate() implements Outcome {
    }

    /** Not an event of ours (another call), or of a forgotten user: acknowledged, kept nowhere. */
    record Skipped(String reason) implements Outcome {
    }

    /** Can never be stored, and is in the quarantine, saying {@code reason}; nothing of it was stored. */
    record Quarantined(Problem problem, String reason) implements Outcome {
    }

    /** Can never be stored, and the quarantine did not keep it ({@code drop} says why); nothing of it was stored. */
    record NotKept(Problem problem, String reason, Drop drop) implements Outcome {
    }

    /**
     * A request of many inputs was taken: each is stored, a duplicate, a conflict (quarantined), skipped, quarantined
     * or not kept; {@code problem} is the first quarantined or not kept one's reason, null for none.
     */
    record Appended(AppendResult result, long skipped, long quarantined, long notKept, String problem)
            implements Outcome {

        static Appended of(AppendResult result) {
            return new Appended(result, 0, 0, 0, null);
        }
    }

    /** Which bound of the quarantine an input was past. */
    enum Limit {
        /** the rate of inputs without a token */
        RATE,
        /** the quarantine's cap for the source */
        CAP
    }

    /**
     * Why inputs were not kept: some were past the rate (only those), or some past the cap.
     *
     * @param inputs how many were not kept
     */
    record Drop(Limit limit, String why, int inputs) {
    }

    /** An outcome of inputs the quarantine took, or of ones it did not when {@code drop} is not null. */
    static Outcome quarantined(Problem problem, String reason, Drop drop) {
        return drop == null ? new Quarantined(problem, reason) : new NotKept(problem, reason, drop);
    }
}
