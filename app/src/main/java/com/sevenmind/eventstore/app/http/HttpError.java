package com.sevenmind.eventstore.app.http;

/** A request the HTTP API refuses: the status to answer, and the one line that goes into {@code {"error":…}}. */
final class HttpError extends RuntimeException {

    private final int status;

    HttpError(int status, String message) {
        // No stack trace: this is an answer, not a failure of ours, and a busy server makes many of them.
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
