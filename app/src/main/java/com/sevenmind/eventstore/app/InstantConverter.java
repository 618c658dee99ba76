package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.InvalidEventException;
import java.time.Instant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an instant the way event timestamps are read: ISO-8601 with Z or an offset, in the years 1 to 9999. The same
 * check serves the command line ({@code --as-of}, {@code --since}) and HTTP ({@code as_of}).
 */
final class InstantConverter implements ITypeConverter<Instant> {

    /** Four-digit years: well inside what PostgreSQL's timestamptz holds, and all an ISO-8601 date normally spells. */
    static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

    @Override
    public Instant convert(String value) {
        Instant instant;
        try {
            instant = EventCodec.parseTimestamp(value);
        } catch (InvalidEventException e) {
            throw new TypeConversionException(ErrorMessages.quote(value) + " is not an ISO-8601 date-time with Z or "
                    + "an offset, e.g. 2024-03-01T07:15:00Z");
        }
        if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
            throw new TypeConversionException(ErrorMessages.quote(value) + " is out of range: use a time from "
                    + MIN + " to 9999-12-31T23:59:59Z");
        }
        return instant;
    }
}
