package com.sevenmind.eventstore.app;

/** Turns an exception into the one line a user sees. */
public final class ErrorMessages {

    /** How much of a value a message repeats: enough to recognise it, never a whole 100,000-character input. */
    static final int ECHOED = 64;

    private ErrorMessages() {
    }

    public static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "): give the JVM a larger heap, e.g. "
                    + "JDK_JAVA_OPTIONS=-Xmx2g";
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName() + " (run with --verbose for details)";
        }
        return message.lines().findFirst().orElse(message);
    }

    /** {@code value} in single quotes, cut to {@link #ECHOED} characters with "…". */
    public static String quote(String value) {
        return "'" + cut(value) + "'";
    }

    public static String cut(String value) {
        if (value.length() <= ECHOED) {
            return value;
        }
        // Not between the two halves of a surrogate pair: the message must stay valid text.
        int end = Character.isHighSurrogate(value.charAt(ECHOED - 1)) ? ECHOED - 1 : ECHOED;
        return value.substring(0, end) + "…";
    }
}
