package com.sevenmind.eventstore.app.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sevenmind.eventstore.codec.Utf8;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads lines (\n or \r\n) of UTF-8 of any length in constant memory: a line longer than the limit is read through,
 * its beginning kept, so one huge line can neither take the heap nor hide the lines after it. Each line is decoded
 * on its own and strictly, so that bytes that are not UTF-8 spoil only their line, and are never silently replaced.
 * A UTF-8 byte order mark at the start of the input is skipped, as editors on Windows write one.
 */
public final class BoundedLineReader {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final int limit;
    private final int kept;
    private final byte[] buffer = new byte[1 << 16];
    private final Utf8 utf8 = new Utf8();
    private byte[] line = new byte[1 << 10];
    private int position;
    private int end;
    private boolean started;
    private long lastLength;
    private long invalidAt;

    /** @param limit the longest line taken, in bytes; {@code kept}: the bytes kept of a longer one */
    public BoundedLineReader(InputStream in, int limit, int kept) {
        this.in = in;
        this.limit = limit;
        this.kept = kept;
    }

    /**
     * The next line without its end, null at the end of input; an oversize line's first {@code kept} bytes. Bytes
     * that are not UTF-8 come as U+FFFD, and {@link #invalidAt()} says where the first was.
     */
    public String next() throws IOException {
        int size = 0;
        long length = 0;
        while (true) {
            if (position == end) {
                end = in.read(buffer, 0, buffer.length);
                position = 0;
                if (end <= 0) {
                    end = 0;
                    if (length == 0) {
                        return null;
                    }
                    break;
                }
            }
            int start = position;
            while (position < end && buffer[position] != '\n') {
                position++;
            }
            int room = (int) Math.max(0, Math.min(position - start, (long) limit + 1 - size));
            if (size + room > line.length) {
                line = Arrays.copyOf(line, Math.max(size + room, Math.min(line.length * 2, limit + 1)));
            }
            System.arraycopy(buffer, start, line, size, room);
            size += room;
            length += position - start;
            if (position < end) {
                position++; // the \n
                break;
            }
        }
        int from = 0;
        if (!started) {
            started = true;
            if (size >= BOM.length && Arrays.equals(line, 0, BOM.length, BOM, 0, BOM.length)) {
                from = BOM.length;
                length -= BOM.length;
            }
        }
        if (size > from && line[size - 1] == '\r' && length <= limit + 1) {
            size--;
            length--;
        }
        lastLength = length;
        invalidAt = 0;
        if (length > limit) {
            // Cut at a byte count, maybe inside a character: what is kept of a line refused anyway is decoded leniently.
            return new String(line, from, Math.min(kept, size - from), UTF_8);
        }
        return decode(from, size);
    }

    private String decode(int from, int size) {
        Utf8.Decoded decoded = utf8.decode(line, from, size - from);
        invalidAt = decoded.invalidAt();
        return decoded.text();
    }

    /** Whether the line last returned was longer than the limit. */
    public boolean oversize() {
        return lastLength > limit;
    }

    /** The full length in bytes of the line last returned. */
    public long length() {
        return lastLength;
    }

    /** Where the first byte that is not UTF-8 is in the line last returned, counting from 1; 0 when there is none. */
    public long invalidAt() {
        return invalidAt;
    }
}
