package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.app.ErrorMessages;
import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Request bodies sent with {@code Content-Encoding: gzip}, as RudderStack's SDKs send them. The limit on a body holds
 * for what it decompresses to, so that a small body cannot expand to fill the heap; and a body may hold at most
 * {@link #MAX_MEMBERS} gzip members (RFC 1952 lets members follow one another; an SDK sends one).
 *
 * <p>Members are read in a loop over one {@link Inflater}, not by {@link java.util.zip.GZIPInputStream}, which
 * recurses once per member: a megabyte of empty members overflowed a worker's stack.
 */
final class HttpGzip {

    /** The most gzip members one body may hold. */
    static final int MAX_MEMBERS = 64;

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private HttpGzip() {
    }

    /** Whether the body is gzip; 415 for an encoding this server cannot read. */
    static boolean gzip(HttpExchange exchange) {
        String encoding = exchange.header(HttpHeader.CONTENT_ENCODING);
        String name = encoding == null ? "identity" : encoding.strip().toLowerCase(Locale.ROOT);
        if (!name.equals("identity") && !name.equals("gzip")) {
            throw new HttpError(415, "Content-Encoding must be gzip or none, was " + ErrorMessages.quote(encoding));
        }
        return name.equals("gzip");
    }

    /**
     * The body decompressed, up to one byte past {@code limit}; 400 when it is not gzip, or holds more than
     * {@link #MAX_MEMBERS} members.
     */
    static HttpBody.Read inflate(byte[] compressed, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Inflater inflater = new Inflater(true);
        byte[] buffer = new byte[8192];
        try {
            int at = 0;
            for (int members = 1; at < compressed.length || members == 1; members++) {
                if (members > MAX_MEMBERS) {
                    throw new HttpError(400, String.format("request body has more than %d gzip members, the limit",
                            MAX_MEMBERS));
                }
                at = header(compressed, at);
                inflater.reset();
                inflater.setInput(compressed, at, compressed.length - at);
                CRC32 crc = new CRC32();
                while (!inflater.finished()) {
                    int n = inflater.inflate(buffer);
                    if (n == 0 && !inflater.finished()) {
                        throw notGzip("it ends inside a compressed block");
                    }
                    crc.update(buffer, 0, n);
                    out.write(buffer, 0, Math.max(0, Math.min(n, limit + 1 - out.size())));
                    if (out.size() > limit) {
                        return new HttpBody.Read(out.toByteArray(), true);
                    }
                }
                at = compressed.length - inflater.getRemaining();
                if (compressed.length - at < 8 || int32(compressed, at) != (int) crc.getValue()
                        || int32(compressed, at + 4) != (int) inflater.getBytesWritten()) {
                    throw notGzip("a member's checksum or length does not match its data");
                }
                at += 8;
            }
        } catch (DataFormatException e) {
            throw notGzip(ErrorMessages.describe(e));
        } finally {
            inflater.end();
        }
        return new HttpBody.Read(out.toByteArray(), false);
    }

    /** Where the compressed data of the member whose header starts at {@code at} begins. */
    private static int header(byte[] bytes, int at) {
        if (bytes.length - at < 10 || (bytes[at] & 0xff) != 0x1f || (bytes[at + 1] & 0xff) != 0x8b
                || bytes[at + 2] != 8) {
            throw notGzip("no gzip header at byte " + (at + 1));
        }
        int flags = bytes[at + 3];
        int i = at + 10;
        if ((flags & FEXTRA) != 0) {
            i = i + 2 > bytes.length ? bytes.length + 1 : i + 2 + ((bytes[i] & 0xff) | (bytes[i + 1] & 0xff) << 8);
        }
        for (int text : new int[] {FNAME, FCOMMENT}) {
            if ((flags & text) != 0) {
                while (i < bytes.length && bytes[i] != 0) {
                    i++;
                }
                i++;
            }
        }
        if ((flags & FHCRC) != 0) {
            i += 2;
        }
        if (i > bytes.length) {
            throw notGzip("it ends inside a member's header");
        }
        return i;
    }

    private static int int32(byte[] bytes, int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16
                | (bytes[at + 3] & 0xff) << 24;
    }

    private static HttpError notGzip(String why) {
        return new HttpError(400, "request body is not valid gzip: " + why);
    }
}
