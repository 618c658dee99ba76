package com.sevenmind.eventstore.store;

import java.util.Map;

/**
 * States a fold continues from, and what they cover: held in memory between reads, or read from the snapshots.
 *
 * @param states       the states by projection name; null while still to be read from the snapshots
 * @param covers       the part of the stream they cover
 * @param events       how many events they cover
 * @param unknownTypes the events of types with no registered record among them, by type name
 * @param saved        how many events the saved snapshots cover
 * @param refused      how many events the states covered when a save last refused one of them as too large (0:
 *                     never): not tried again until they cover {@code saveAfter} more, as it would be measured in
 *                     vain at every read
 */
record FoldStart(Map<String, Object> states, StreamPosition covers, long events, Map<String, Long> unknownTypes,
                 long saved, long refused) {

    /** These, with {@code states} read from the snapshots. */
    FoldStart withStates(Map<String, Object> states) {
        return new FoldStart(states, covers, events, unknownTypes, saved, refused);
    }

    /** These once a save has run: saved up to {@link #events}, or refused there. */
    FoldStart afterSave(boolean done) {
        return new FoldStart(states, covers, events, unknownTypes, done ? events : saved, done ? refused : events);
    }
}
