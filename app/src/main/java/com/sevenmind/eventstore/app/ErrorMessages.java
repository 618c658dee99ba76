package com.sevenmind.eventstore.app;

/** Turns an exception into the one line a user sees. */
final class ErrorMessages {

    private ErrorMessages() {
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName() + " (run with --verbose for details)";
        }
        return message.lines().findFirst().orElse(message);
    }
}
