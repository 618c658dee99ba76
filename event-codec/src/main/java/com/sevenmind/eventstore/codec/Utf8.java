package com.sevenmind.eventstore.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Strict UTF-8: bytes that are not UTF-8 (a surrogate encoded as CESU-8 does, an overlong form, a cut sequence) are
 * found and said where, never silently replaced, so that two different inputs cannot become one. Not thread-safe: one
 * instance per reader.
 */
public final class Utf8 {

    /**
     * Decoded bytes: the text, and where the first byte that is not UTF-8 is, counting from 1, or 0 when there is none;
     * when there is one, the text has each invalid byte replaced by U+FFFD, to be kept as the reason says.
     *
     * @param text      the decoded text
     * @param invalidAt the first byte that is not UTF-8, from 1, or 0
     */
    public record Decoded(String text, long invalidAt) {

        /**
         * Whether every byte was UTF-8.
         *
         * @return true when no byte was invalid
         */
        public boolean valid() {
            return invalidAt == 0;
        }
    }

    /**
     * What is kept with an input that is not UTF-8, with each invalid byte replaced by U+FFFD.
     *
     * @param invalidAt the first byte that is not UTF-8, counting from 1
     * @return the reason naming that byte
     */
    public static String problem(long invalidAt) {
        return "invalid UTF-8 at byte " + invalidAt;
    }

    private final CharsetDecoder decoder = UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * Decodes all of {@code bytes}.
     *
     * @param bytes the input
     * @return the text, and where the first invalid byte is
     */
    public Decoded decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes {@code length} bytes of {@code bytes} from {@code from}.
     *
     * @param bytes  the input
     * @param from   the first byte to decode
     * @param length how many bytes
     * @return the text, and where the first invalid byte is, counting from {@code from}
     */
    public Decoded decode(byte[] bytes, int from, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, from, length);
        CharBuffer chars = CharBuffer.allocate(length);
        CoderResult result = decoder.reset().decode(in, chars, true);
        if (result.isError()) {
            return new Decoded(new String(bytes, from, length, UTF_8), in.position() - from + 1);
        }
        decoder.flush(chars);
        return new Decoded(chars.flip().toString(), 0);
    }
}
