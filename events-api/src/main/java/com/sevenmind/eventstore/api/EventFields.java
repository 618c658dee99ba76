package com.sevenmind.eventstore.api;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The field rules events share, checked in their compact constructors. */
final class EventFields {

    /**
     * Time zones already found valid: a stream repeats a handful of them, and {@code ZoneId.of} was a tenth of
     * reading a long stream (a profile of {@code project --projection history}).
     */
    private static final Set<String> ZONES = ConcurrentHashMap.newKeySet();
    private static final int MAX_ZONES = 10_000;

    private EventFields() {
    }

    /** Checks every field and returns the timestamp as stored: truncated to microseconds, PostgreSQL's precision. */
    static Instant validate(UUID userId, String uniqueId, String sessionId, Instant timestamp,
                            String timezone, String locale, Content content, Double positionSeconds) {
        Instant stored = validateCommon(userId, uniqueId, timestamp);
        requireText("session_id", sessionId);
        requireText("timezone", timezone);
        if (!ZONES.contains(timezone)) {
            try {
                ZoneId.of(timezone);
            } catch (DateTimeException e) {
                throw new InvalidEventException("timezone", timezone, "is not an IANA time zone such as Europe/Berlin");
            }
            if (ZONES.size() < MAX_ZONES) {
                ZONES.add(timezone);
            }
        }
        requireText("locale", locale);
        if (content == null) {
            throw new InvalidEventException("object_uri", null, "is missing");
        }
        if (positionSeconds != null && !(positionSeconds >= 0 && positionSeconds < Double.POSITIVE_INFINITY)) {
            throw new InvalidEventException("position_seconds", positionSeconds.toString(),
                    "is not a number of seconds, 0 or more");
        }
        return stored;
    }

    /** Checks what every event has and returns the timestamp as stored: truncated to microseconds. */
    static Instant validateCommon(UUID userId, String uniqueId, Instant timestamp) {
        if (userId == null) {
            throw new InvalidEventException("user_id", null, "is missing");
        }
        requireText("unique_id", uniqueId);
        if (timestamp == null) {
            throw new InvalidEventException("timestamp", null, "is missing");
        }
        return timestamp.truncatedTo(ChronoUnit.MICROS);
    }

    static void requireText(String field, String value) {
        if (value == null) {
            throw new InvalidEventException(field, null, "is missing");
        }
        if (value.isBlank()) {
            throw new InvalidEventException(field, value, "is blank");
        }
        requireStorable(field, value);
    }

    /** PostgreSQL text holds no NUL, and UTF-8 no half of a surrogate pair: refuse them rather than store a change. */
    static void requireStorable(String field, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new InvalidEventException(field, value.replace("\0", "\\u0000"),
                    "contains a NUL character, which cannot be stored");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidEventException(field, null, "contains half of a UTF-16 surrogate pair, which is not "
                        + "text and cannot be stored");
            }
        }
    }
}
