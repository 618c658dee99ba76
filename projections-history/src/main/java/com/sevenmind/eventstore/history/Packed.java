package com.sevenmind.eventstore.history;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.UUID;

/**
 * The bytes of {@link HistoryState.Saved#sessions()}: numbers as variable-length integers (seven bits a byte, low
 * first, the high bit set while more follow; signed ones zigzag-encoded first, so that small differences of either
 * sign take a byte or two). A text is its UTF-8 length plus one, then its bytes; or, when it is a UUID as
 * {@link UUID#toString()} writes it (as session ids mostly are), 0 and then its 16 bytes, big-endian.
 */
final class Packed {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Packed() {
    }

    /** The text as a UUID when it is one exactly as {@link UUID#toString()} writes it; else null. */
    private static UUID uuid(String text) {
        if (text.length() != 36) {
            return null;
        }
        try {
            UUID uuid = UUID.fromString(text);
            return uuid.toString().equals(text) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Grows as it is written. */
    static final class Out {

        private byte[] bytes;
        private int size;

        Out(int sessions) {
            bytes = new byte[Math.max(64, sessions * 40)];
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
            UUID uuid = uuid(value);
            if (uuid != null) {
                natural(0);
                room(2 * Long.BYTES);
                LONG.set(bytes, size, uuid.getMostSignificantBits());
                LONG.set(bytes, size + Long.BYTES, uuid.getLeastSignificantBits());
                size += 2 * Long.BYTES;
                return;
            }
            byte[] utf8 = value.getBytes(UTF_8);
            natural(utf8.length + 1L);
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
            int length = natural() - 1;
            if (length < 0) {
                if (bytes.length - at < 2 * Long.BYTES) {
                    throw new IllegalArgumentException("a UUID at byte " + at + " of the saved sessions ends early");
                }
                UUID uuid = new UUID((long) LONG.get(bytes, at), (long) LONG.get(bytes, at + Long.BYTES));
                at += 2 * Long.BYTES;
                return uuid.toString();
            }
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
