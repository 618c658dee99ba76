package com.sevenmind.eventstore.api;

/**
 * The three built-in events of a content piece (a single or a course item recording): what they share beside the
 * fields of every {@link Event}.
 */
public sealed interface ContentPieceEvent extends Event
        permits ContentPieceStarted, ContentPieceCompleted, ContentPieceCancelled {

    /**
     * The listening session; every event of one session has it.
     *
     * @return the session id
     */
    @Override
    String sessionId();

    /**
     * The IANA time zone of the device.
     *
     * @return e.g. {@code Europe/Berlin}
     */
    @Override
    String timezone();

    /**
     * The device's locale.
     *
     * @return e.g. {@code de-DE}
     */
    @Override
    String locale();

    /**
     * The content piece, parsed from its URI.
     *
     * @return the content
     */
    @Override
    Content content();

    /**
     * The content piece's URI.
     *
     * @return e.g. {@code sevenmind://content/single/abc12/recording/xyz34}
     */
    @Override
    default String objectUri() {
        return content().objectUri();
    }
}
