package com.sevenmind.eventstore.store;

import java.util.function.IntUnaryOperator;

/**
 * Told what became of each event of an append that it did not store, by the event's index in the batch: every event
 * it is not told of was stored. Told inside the append's transaction, so only an append that returns has happened.
 */
@FunctionalInterface
public interface AppendListener {

    /**
     * The event's (user, unique_id) is stored with other content: not stored over the original.
     *
     * @param index its index in the batch
     */
    void conflict(int index);

    /**
     * The event's (user, unique_id) is stored with the same content: a re-delivery.
     *
     * @param index its index in the batch
     */
    default void duplicate(int index) {
    }

    /**
     * The event is of a forgotten user: dropped, kept nowhere.
     *
     * @param index its index in the batch
     */
    default void forgotten(int index) {
    }

    /**
     * This listener, told of the events of a sub-batch by their index in the whole batch.
     *
     * @param wholeIndex the index in the whole batch of an index in the sub-batch
     * @return the listener of the sub-batch
     */
    default AppendListener at(IntUnaryOperator wholeIndex) {
        AppendListener whole = this;
        return new AppendListener() {
            @Override
            public void conflict(int index) {
                whole.conflict(wholeIndex.applyAsInt(index));
            }

            @Override
            public void duplicate(int index) {
                whole.duplicate(wholeIndex.applyAsInt(index));
            }

            @Override
            public void forgotten(int index) {
                whole.forgotten(wholeIndex.applyAsInt(index));
            }
        };
    }
}
