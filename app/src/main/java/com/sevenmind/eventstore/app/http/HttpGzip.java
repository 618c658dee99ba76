package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.app.ErrorMessages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Request bodies sent with {@code Content-Encoding: gzip}, as RudderStack's SDKs send them. The limit on a body holds
 * for what it decompresses to, so that a small body cannot expand to fill the heap.
 */
final class HttpGzip {

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

    /** The body decompressed, up to one byte past {@code limit}; 400 when it is not gzip. */
    static HttpBody.Read inflate(byte[] compressed, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0 && out.size() <= limit; n = in.read(buffer)) {
                out.write(buffer, 0, Math.min(n, limit + 1 - out.size()));
            }
        } catch (IOException e) {
            throw new HttpError(400, "request body is not valid gzip: " + ErrorMessages.describe(e));
        }
        return new HttpBody.Read(out.toByteArray(), out.size() > limit);
    }
}
