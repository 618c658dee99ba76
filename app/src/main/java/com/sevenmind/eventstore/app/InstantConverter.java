package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.InvalidEventException;
import java.time.Instant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an instant the way event timestamps are read: ISO-8601 with Z or an offset. */
final class InstantConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            return EventCodec.parseTimestamp(value);
        } catch (InvalidEventException e) {
            throw new TypeConversionException("'" + value + "' is not an ISO-8601 date-time with Z or an offset, "
                    + "e.g. 2024-03-01T07:15:00Z");
        }
    }
}
