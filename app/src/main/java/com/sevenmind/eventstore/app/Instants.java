package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.codec.EventCodec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an instant the way event timestamps are read: ISO-8601 with Z or an offset, in the years 1 to 9999. The same
 * check serves the command line ({@code --as-of}, {@code --since}) and HTTP ({@code as_of}).
 */
public final class Instants {

    private Instants() {
    }

    /** The instant {@code value} names; an {@link IllegalArgumentException} saying what is wrong if none. */
    public static Instant parse(String value) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(ErrorMessages.quote(value) + " is not an ISO-8601 date-time with Z or "
                    + "an offset, e.g. 2024-03-01T07:15:00Z");
        }
        // The range events are stored in: well inside PostgreSQL's timestamptz, and all a four-digit year spells.
        if (instant.isBefore(EventCodec.MIN_TIMESTAMP) || instant.isAfter(EventCodec.MAX_TIMESTAMP)) {
            throw new IllegalArgumentException(ErrorMessages.quote(value) + " is out of range: use a time from "
                    + EventCodec.MIN_TIMESTAMP + " to 9999-12-31T23:59:59Z");
        }
        return instant;
    }
}
