package com.sevenmind.eventstore.store;

import java.time.Duration;
import java.util.Properties;

/**
 * How long the database may take before a call fails: to connect and log in, to send anything while a statement
 * runs (the socket), and to run one statement (enforced by the server). Zero means no limit.
 *
 * @param connect   to open a connection and log in, and to wait for one from the pool
 * @param socket    silence on an open connection; the only bound that holds when the server is hung, not slow
 * @param statement one statement on the server ({@code statement_timeout}); a fetch of a cursor counts on its own
 */
public record Timeouts(Duration connect, Duration socket, Duration statement) {

    /**
     * {@code serve}: a client waits for the answer, so a hung database must give 503 within seconds, not never.
     * The statement limit is below the socket's, so a slow but live server is stopped cleanly by itself.
     */
    public static final Timeouts SERVE = new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(10),
            Duration.ofSeconds(5));

    /**
     * The other commands legitimately run long: the sort before the first row of a million-event stream, a
     * {@code migrate-events} batch of any size. No statement limit; the socket limit only ends a hang.
     */
    public static final Timeouts COMMAND = new Timeouts(Duration.ofSeconds(10), Duration.ofMinutes(15),
            Duration.ZERO);

    /** The pgjdbc connection properties that apply these limits. */
    Properties properties() {
        Properties properties = new Properties();
        String connectSeconds = Long.toString(Math.max(1, connect.toSeconds()));
        properties.setProperty("connectTimeout", connectSeconds);
        properties.setProperty("loginTimeout", connectSeconds);
        if (!socket.isZero()) {
            properties.setProperty("socketTimeout", Long.toString(Math.max(1, socket.toSeconds())));
        }
        if (!statement.isZero()) {
            properties.setProperty("options", "-c statement_timeout=" + statement.toMillis());
        }
        return properties;
    }
}
