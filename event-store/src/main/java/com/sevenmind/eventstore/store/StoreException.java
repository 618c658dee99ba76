package com.sevenmind.eventstore.store;

/** A failure of the store, with the context a user needs: which database, which user, which event. */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
