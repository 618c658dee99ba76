package com.sevenmind.eventstore.api;

/** An event that breaks the schema: names the field, the value found and what was expected (field null: the whole input). */
public final class InvalidEventException extends RuntimeException {

    private final String field;

    public InvalidEventException(String field, String value, String problem) {
        super(field == null ? problem
                : value == null ? "field " + field + " " + problem
                : "field " + field + ": '" + abbreviate(value) + "' " + problem);
        this.field = field;
    }

    /** The JSON name of the offending field, or null when the input as a whole is at fault. */
    public String field() {
        return field;
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
