package com.sevenmind.eventstore.app.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread: chunk by chunk as it arrives, up to one byte past the limit. Only a
 * whole body goes to a worker, so a client that sends its body slowly holds no worker, only its connection, and only
 * until the deadline: Jetty's idle timeout is reset by every byte, so a body trickled a byte a second would never
 * meet it.
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
    /**
     * Called once: with the body, or with the failure that ended the reading: a {@link TimeoutException} at the
     * deadline, else an {@link IOException} (the client went away).
     */
    private final BiConsumer<Read, Throwable> done;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;
    private Scheduler.Task deadline;

    private HttpBody(Request request, int limit, BiConsumer<Read, Throwable> done) {
        this.request = request;
        this.limit = limit;
        this.done = done;
    }

    /** Reads the body, which must arrive whole within {@code timeout}. */
    static void read(Request request, int limit, Duration timeout, BiConsumer<Read, Throwable> done) {
        HttpBody body = new HttpBody(request, limit, done);
        // Failing the request's content wakes the read waiting for it, which then finds the failure.
        body.deadline = request.getComponents().getScheduler().schedule(() -> request.fail(new TimeoutException(
                "request body not received within " + timeout.toSeconds() + " s")), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        body.run();
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
                deadline.cancel();
                Throwable failure = chunk.getFailure();
                done.accept(null, failure instanceof TimeoutException || failure instanceof IOException ? failure
                        : new IOException(failure));
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
                deadline.cancel();
                done.accept(new Read(kept.toByteArray(), total > limit), null);
                return;
            }
        }
    }
}
