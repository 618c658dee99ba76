package com.sevenmind.eventstore.store;

/** Values in the text format of PostgreSQL's COPY: a tab between columns, a newline after each row. */
public final class CopyText {

    private CopyText() {
    }

    /** Appends {@code value} with backslash, tab, newline and carriage return escaped. */
    public static StringBuilder append(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }
}
