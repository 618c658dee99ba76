package com.sevenmind.eventstore.app;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines (\n or \r\n) of any length in constant memory: a line longer than the limit is read through, its
 * beginning kept, so one huge line can neither take the heap nor hide the lines after it.
 */
final class BoundedLineReader {

    private final Reader in;
    private final int limit;
    private final int kept;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int end;
    private long lastLength;

    BoundedLineReader(Reader in, int limit, int kept) {
        this.in = in;
        this.limit = limit;
        this.kept = kept;
    }

    /** The next line without its end, null at the end of input; an oversize line's first {@code kept} chars. */
    String next() throws IOException {
        StringBuilder line = new StringBuilder();
        long length = 0;
        while (true) {
            if (position == end) {
                end = in.read(buffer, 0, buffer.length);
                position = 0;
                if (end <= 0) {
                    end = 0;
                    if (length == 0 && line.length() == 0) {
                        return null;
                    }
                    break;
                }
            }
            int start = position;
            while (position < end && buffer[position] != '\n') {
                position++;
            }
            int room = (int) Math.max(0, Math.min(position - start, (long) limit + 1 - line.length()));
            line.append(buffer, start, room);
            length += position - start;
            if (position < end) {
                position++; // the \n
                break;
            }
        }
        if (line.length() > 0 && line.charAt(line.length() - 1) == '\r' && length <= limit + 1) {
            line.setLength(line.length() - 1);
            length--;
        }
        lastLength = length;
        return length > limit ? line.substring(0, Math.min(kept, line.length())) : line.toString();
    }

    /** Whether the line last returned was longer than the limit. */
    boolean oversize() {
        return lastLength > limit;
    }

    /** The full length of the line last returned. */
    long length() {
        return lastLength;
    }
}
