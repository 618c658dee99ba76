package com.sevenmind.eventstore.store;

/** A failure of the store, with the context a user needs: which database, which user, which event. */
public class StoreException extends RuntimeException {

    /**
     * A failure without a cause.
     *
     * @param message what failed, with its context
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * A failure with its cause.
     *
     * @param message what failed, with its context
     * @param cause   what was thrown
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
