package com.sevenmind.eventstore.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body without holding a thread: chunk by chunk as it arrives, up to one byte past the limit. Only a
 * whole body goes to a worker, so a client that sends its body slowly holds no worker, only its connection (until
 * {@link HttpConnections}' body deadline closes it).
 *
 * <p>A body over the limit is never held whole: its first {@code limit + 1} bytes are kept, and the rest is read and
 * dropped up to {@link #DISCARDED}. Closed with unread data, the connection is reset, and a client still sending sees
 * the reset instead of the 413 (tested). Pub/Sub pushes at most a 10 MB message, some 13.4 MB in base64; a longer
 * body gets the reset all the same.
 */
final class HttpBody implements Runnable {

    /** How much of a body over the limit is read and dropped so that its client gets the 413: more than any push. */
    static final long DISCARDED = 16 << 20;

    /** What was read: the bytes kept, and whether the body was longer than the limit. */
    record Read(byte[] bytes, boolean over) {
    }

    private final Request request;
    private final int limit;
    /** Called once: with the body, or with the failure that ended the reading (the connection closed or cut). */
    private final BiConsumer<Read, IOException> done;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;

    private HttpBody(Request request, int limit, BiConsumer<Read, IOException> done) {
        this.request = request;
        this.limit = limit;
        this.done = done;
    }

    static void read(Request request, int limit, BiConsumer<Read, IOException> done) {
        new HttpBody(request, limit, done).run();
    }

    /** Reads what has arrived, then asks to be called again when more has. */
    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                done.accept(null, failure instanceof IOException io ? io : new IOException(failure));
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            int n = buffer.remaining();
            int keep = (int) Math.max(0, Math.min(n, limit + 1L - kept.size()));
            if (keep > 0) {
                byte[] bytes = new byte[keep];
                buffer.get(bytes);
                kept.write(bytes, 0, keep);
            }
            total += n;
            chunk.release();
            if (chunk.isLast() || total > limit + DISCARDED) {
                done.accept(new Read(kept.toByteArray(), total > limit), null);
                return;
            }
        }
    }
}
