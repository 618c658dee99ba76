package com.sevenmind.eventstore.api;

/** An event that breaks the schema: names the field, the value found and what was expected (field null: the whole input). */
public final class InvalidEventException extends RuntimeException {

    private final String field;

    /**
     * A complaint about one field, or about the whole input.
     *
     * @param field   the field's JSON name (or path), or null for the whole input
     * @param value   the value found, or null when missing or not to be shown
     * @param problem what is wrong, e.g. {@code is missing}
     */
    public InvalidEventException(String field, String value, String problem) {
        super(field == null ? problem
                : value == null ? "field " + field + " " + problem
                : "field " + field + ": '" + abbreviate(value) + "' " + problem);
        this.field = field;
    }

    /**
     * The offending field.
     *
     * @return its JSON name, or null when the input as a whole is at fault
     */
    public String field() {
        return field;
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
