package com.sevenmind.eventstore.history;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;

/**
 * The bytes of {@link HistoryState.Saved#sessions()}: numbers as variable-length integers (seven bits a byte, low
 * first, the high bit set while more follow; signed ones zigzag-encoded first, so that small differences of either
 * sign take a byte or two), texts as their UTF-8 length, then their bytes.
 */
final class Packed {

    private Packed() {
    }

    /** Grows as it is written. */
    static final class Out {

        private byte[] bytes;
        private int size;

        Out(int sessions) {
            bytes = new byte[Math.max(64, sessions * 64)];
        }

        void natural(long value) {
            room(10);
            long v = value;
            while ((v & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
        }

        void signed(long value) {
            natural((value << 1) ^ (value >> 63));
        }

        void text(String value) {
            byte[] utf8 = value.getBytes(UTF_8);
            natural(utf8.length);
            room(utf8.length);
            System.arraycopy(utf8, 0, bytes, size, utf8.length);
            size += utf8.length;
        }

        byte[] bytes() {
            return bytes;
        }

        int size() {
            return size;
        }

        private void room(int more) {
            if (bytes.length - size < more) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }

    /** Reads what {@link Out} wrote, in the same order; refuses bytes that end early or run on. */
    static final class In {

        private final byte[] bytes;
        private int at;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        long naturalLong() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = next();
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("a number at byte " + at + " of the saved sessions runs on");
        }

        int natural() {
            long value = naturalLong();
            if (value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a count at byte " + at + " of the saved sessions is " + value);
            }
            return (int) value;
        }

        long signed() {
            long v = naturalLong();
            return (v >>> 1) ^ -(v & 1);
        }

        String text() {
            int length = natural();
            if (length > bytes.length - at) {
                throw new IllegalArgumentException("a text at byte " + at + " of the saved sessions ends early");
            }
            String value = new String(bytes, at, length, UTF_8);
            at += length;
            return value;
        }

        void end() {
            if (at != bytes.length) {
                throw new IllegalArgumentException("the saved sessions run on after the last, at byte " + at);
            }
        }

        private byte next() {
            if (at == bytes.length) {
                throw new IllegalArgumentException("the saved sessions end early, at byte " + at);
            }
            return bytes[at++];
        }
    }
}
