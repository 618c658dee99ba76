package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.http.HttpRequests.ProjectRequest;
import com.sevenmind.eventstore.app.projecting.Changes;
import com.sevenmind.eventstore.app.projecting.Projected;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.store.LiveFeed;
import com.sevenmind.eventstore.store.StoreException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /users/{id}/projections/{name}/live} as Server-Sent Events. A stream lasts as long as its client, so it
 * never holds a request worker: each runs on a thread of its own, up to a cap. It is exempt from the request
 * deadlines, but a client that takes nothing for two heartbeats is cut by the idle timeout. A client that closes its
 * connection frees its place at once: the connection is watched for its end while the stream waits for news.
 */
final class LiveStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);
    /** A comment sent on a live stream after this long without news: a client that is gone is noticed. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final AtomicInteger COUNT = new AtomicInteger();
    /** The last event of a stream that the server ends because it stops: the client may connect again elsewhere. */
    static final String CLOSING = "event: closing\ndata: {\"reason\":\"server stopping\"}\n\n";
    /** The header an EventSource sends on reconnecting: the id of the last event it had. */
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private final LiveFeed feed;
    private final UserProjections userProjections;
    private final ObjectMapper mapper;
    private final int max;
    private final Semaphore places;
    private final Timer delay;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        // The serve command's main thread keeps the process alive; stream threads must not hold up its exit.
        Thread thread = new Thread(task, "http-stream-" + COUNT.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    LiveStreams(LiveFeed feed, UserProjections userProjections, ObjectMapper mapper, int max, MeterRegistry meters) {
        this.feed = feed;
        this.userProjections = userProjections;
        this.mapper = mapper;
        this.max = max;
        this.places = new Semaphore(max);
        Gauge.builder("eventstore.live.streams", places, p -> max - p.availablePermits())
                .description("Live streams open").strongReference(true).register(meters);
        this.delay = HttpMetrics.latency("eventstore.live.notification.delay")
                .description("From the live feed telling of a commit of a streamed user to the stream having sent "
                        + "the projections read again (the coalescing of bursts included)")
                .register(meters);
    }

    /**
     * Takes the exchange over for a stream of the request's projections, if a place is free; else 503. It subscribes
     * before the first read, so no commit falls between the two; an error of that read is answered as any other.
     */
    void open(HttpExchange exchange, ProjectRequest request) {
        if (!places.tryAcquire()) {
            exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
            throw new HttpError(503, "too many live streams (" + max + "), try again later");
        }
        Changes changes = Changes.of(feed, request.user());
        try {
            Projected first = request.read(userProjections);
            threads.execute(() -> {
                try {
                    stream(exchange, request, changes, first);
                } finally {
                    places.release();
                }
            });
        } catch (RuntimeException e) {
            changes.close();
            places.release();
            throw e;
        }
    }

    /** The headers a stream is answered with; a HEAD gets them alone. */
    static void headers(HttpExchange exchange) {
        exchange.response.setStatus(200);
        exchange.setHeader(HttpHeader.CONTENT_TYPE, "text/event-stream");
        exchange.setHeader(HttpHeader.CACHE_CONTROL, "no-cache");
        // The connection's reads are the stream's watch for its end: it serves no other request after.
        exchange.setHeader(HttpHeader.CONNECTION, "close");
    }

    /**
     * Sends the projections as one {@code data:} line of JSON, then again after each change (coalesced), with a
     * comment line as heartbeat after a quiet spell, until the client goes or the server stops. A read that fails
     * meanwhile (the database is down) is sent as an event {@code unavailable}; the stream stays, and the feed's
     * re-read after it reconnects sends the current state.
     *
     * <p>Every event has an {@code id:}, the {@link #id} of the last projections sent (the unavailable and closing
     * events repeat it). A client that reconnects with {@code Last-Event-ID} naming the projections as they are
     * still is not sent them again: it is resumed where it was, and sent the next change.
     */
    private void stream(HttpExchange exchange, ProjectRequest request, Changes changes, Projected first) {
        EndPoint endPoint = exchange.request.getConnectionMetaData().getConnection().getEndPoint();
        endPoint.setIdleTimeout(HEARTBEAT.multipliedBy(2).toMillis());
        long events = 0;
        long changedAt = 0;
        boolean gone = false;
        String lastId = exchange.request.getHeaders().get(LAST_EVENT_ID);
        headers(exchange);
        try (changes; PrintWriter out = new PrintWriter(new OutputStreamWriter(
                Content.Sink.asOutputStream(exchange.response), UTF_8))) {
            Object data = first;
            if (lastId != null && lastId.equals(id(first))) {
                data = null; // the client has these: a heartbeat tells it the stream is back
            }
            boolean watching = false;
            while (true) {
                if (data == null) {
                    out.print(": heartbeat\n\n");
                } else {
                    if (data instanceof Projected projected) {
                        lastId = id(projected);
                        out.print("id: " + lastId + "\ndata: ");
                    } else {
                        out.print(idLine(lastId) + "event: unavailable\ndata: ");
                    }
                    Output.json(out, mapper, data);
                    out.print("\n");
                    events++;
                }
                out.flush();
                if (changedAt != 0) {
                    delay.record(System.nanoTime() - changedAt, TimeUnit.NANOSECONDS);
                    changedAt = 0;
                }
                if (!watching) {
                    watchForEnd(endPoint, changes);
                    watching = true;
                }
                data = null;
                if (out.checkError() || changes.ended()) {
                    gone = true;
                    break;
                }
                if (awaitChange(changes, out, lastId)) {
                    changedAt = changes.changedAt();
                    try {
                        data = request.read(userProjections);
                    } catch (StoreException e) {
                        LOG.warn("GET {}: {}", exchange.path, ErrorMessages.describe(e));
                        data = Map.of("error", HttpApi.DATABASE_UNAVAILABLE);
                    }
                } else if (changes.ended()) {
                    gone = true;
                    break;
                }
            }
        } catch (InterruptedException e) {
            // The server is stopping: the stream ends, and the client may connect again elsewhere.
            LOG.info("GET {}: ended by the server stopping", exchange.path);
        }
        if (gone) {
            LOG.info("GET {}: the client went away", exchange.path);
            exchange.callback.failed(new EofException("the client went away"));
        } else {
            exchange.callback.succeeded();
        }
        LOG.info("GET {} live: {} events in {} ms", exchange.path, events,
                (System.nanoTime() - exchange.started) / 1_000_000);
    }

    /**
     * The id of an event that carries {@code projected}: the first 16 hex digits of the SHA-256 of its JSON, so that
     * equal projections have equal ids on any server, with no state kept between connections.
     */
    private String id(Projected projected) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(mapper.writeValueAsBytes(projected));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot make the id of a live event", e);
        }
    }

    private static String idLine(String id) {
        return id == null ? "" : "id: " + id + "\n";
    }

    /** Waits for a change; when the server stops meanwhile, sends the last event, that says so, and rethrows. */
    private static boolean awaitChange(Changes changes, PrintWriter out, String lastId) throws InterruptedException {
        try {
            return changes.await(HEARTBEAT);
        } catch (InterruptedException e) {
            out.print(idLine(lastId) + CLOSING);
            out.flush();
            throw e;
        }
    }

    /** Reads the connection while the stream waits: its end (or a failure) ends the stream at once. */
    private static void watchForEnd(EndPoint endPoint, Changes changes) {
        ByteBuffer buffer = BufferUtil.allocate(256);
        Callback watch = new Callback() {
            @Override
            public void succeeded() {
                try {
                    int n;
                    do {
                        BufferUtil.clear(buffer);
                        n = endPoint.fill(buffer);
                    } while (n > 0); // a client has nothing to send on a stream: anything it sends is dropped
                    if (n < 0) {
                        changes.end();
                    } else {
                        endPoint.tryFillInterested(this);
                    }
                } catch (IOException e) {
                    changes.end();
                }
            }

            @Override
            public void failed(Throwable failure) {
                changes.end();
            }
        };
        if (!endPoint.tryFillInterested(watch)) {
            LOG.debug("the connection of a live stream is read already; its end is noticed at a heartbeat");
        }
    }

    /** Ends the streams (their clients may connect again elsewhere), waits for their threads, and stops listening. */
    @Override
    public void close() {
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feed.close();
    }
}
