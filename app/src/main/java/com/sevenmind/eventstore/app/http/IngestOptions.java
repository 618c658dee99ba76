package com.sevenmind.eventstore.app.http;

/**
 * How the ways in answer and whom they let in, beyond {@link HttpApi.Settings}.
 *
 * @param rudderStackWriteKey the write key {@code /v1/track} and {@code /v1/batch} must carry as HTTP Basic's user
 *                            name; null: they take the write token, as {@code POST /events} does
 * @param nackRejected        refuse a request whose input was quarantined (400, 409), for users with a dead-letter
 *                            topic; else it is acknowledged (200), since the quarantine holds it for
 *                            {@code rejected --retry}
 */
public record IngestOptions(String rudderStackWriteKey, boolean nackRejected) {

    public static final IngestOptions DEFAULT = new IngestOptions(null, false);
}
