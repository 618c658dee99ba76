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
 * sign take a byte or two). A session id is kept as its {@link #key}: a {@link UUID}, written as 0 and then its 16
 * bytes, big-endian; or a text, written as its UTF-8 length plus one, then its bytes.
 */
final class Packed {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Packed() {
    }

    /**
     * A session id as History keys it: a {@link UUID} when it is one exactly as {@link UUID#toString()} writes it (as
     * session ids mostly are), which holds and compares as two numbers; else the text itself. Either way its
     * {@code toString()} is the id.
     */
    static Object key(String id) {
        if (id.length() != 36) {
            return id;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return id;
                }
                continue;
            }
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                return id;
            }
            if (i < 19) {
                high = high << 4 | digit;
            } else {
                low = low << 4 | digit;
            }
        }
        return new UUID(high, low);
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

        void key(Object key) {
            if (key instanceof UUID uuid) {
                natural(0);
                room(2 * Long.BYTES);
                LONG.set(bytes, size, uuid.getMostSignificantBits());
                LONG.set(bytes, size + Long.BYTES, uuid.getLeastSignificantBits());
                size += 2 * Long.BYTES;
                return;
            }
            byte[] utf8 = ((String) key).getBytes(UTF_8);
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
            // Most numbers here take one byte: that read alone, then the rest seven bits at a time.
            long value = next();
            if (value >= 0) {
                return value;
            }
            value &= 0x7F;
            for (int shift = 7; shift < 64; shift += 7) {
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

        Object key() {
            int length = natural() - 1;
            if (length < 0) {
                if (bytes.length - at < 2 * Long.BYTES) {
                    throw new IllegalArgumentException("a UUID at byte " + at + " of the saved sessions ends early");
                }
                UUID uuid = new UUID((long) LONG.get(bytes, at), (long) LONG.get(bytes, at + Long.BYTES));
                at += 2 * Long.BYTES;
                return uuid;
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
