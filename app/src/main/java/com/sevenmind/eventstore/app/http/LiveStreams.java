package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.app.ingest.IngestMetrics;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.http.HttpRequests.ProjectRequest;
import com.sevenmind.eventstore.app.projecting.Changes;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.store.LiveFeed;
import com.sevenmind.eventstore.store.StoreException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.function.Supplier;
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
    private final SharedReads reads;
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
        this.reads = new SharedReads(userProjections, this::json);
        Gauge.builder("eventstore.live.streams", places, p -> max - p.availablePermits())
                .description("Live streams open").strongReference(true).register(meters);
        this.delay = IngestMetrics.latency("eventstore.live.notification.delay")
                .description("From the live feed telling of a commit of a streamed user to the stream having sent "
                        + "the projections read again (the coalescing of bursts included)")
                .register(meters);
    }

    /**
     * Takes the exchange over for a stream of the request's projections, if a place is free; else 503. It subscribes
     * before the first read, so no commit falls between the two; an error of that read is answered as any other.
     */
    void open(HttpExchange exchange, ProjectRequest request) {
        open(exchange, () -> Changes.of(feed, request.user()), () -> {
            reads.open(request);
            return userSource(request, exchange.request.getHeaders().get(LAST_EVENT_ID));
        }, () -> reads.close(request));
    }

    /**
     * A user's projections: read first at once, then again after each change, through the re-reads its request's
     * streams share. What is sent is JSON text, written while each read held its states.
     */
    private Source userSource(ProjectRequest request, String lastEventId) {
        String first = reads.read(request, System.nanoTime());
        boolean resumed = first != null && id(first).equals(lastEventId); // the client has these already
        return new Source() {
            private String next = resumed ? null : first;
            private String lastId = resumed ? lastEventId : null;
            /** The stream's first call holds no change: its read was {@code first}. */
            private boolean started;

            @Override
            public int send(PrintWriter out, boolean changed) {
                if (next == null && changed && started) {
                    next = reads.read(request, System.nanoTime());
                }
                started = true;
                if (next == null) {
                    return 0;
                }
                lastId = id(next);
                out.print("id: " + lastId + "\ndata: ");
                out.print(next);
                out.print("\n");
                next = null;
                return 1;
            }

            @Override
            public Duration recheck() {
                return HEARTBEAT;
            }

            @Override
            public String lastId() {
                return lastId;
            }
        };
    }

    /** {@code GET /feed/stream}: what {@code source} sends, read again at each wake-up of the live feed too. */
    void openFeed(HttpExchange exchange, Source source) {
        open(exchange, () -> Changes.ofEveryUser(feed), () -> source, () -> { });
    }

    /** What a stream sends. */
    interface Source {
        /** Sends what is new, as events; {@code changed}: after a wake-up. Returns the events sent. */
        int send(PrintWriter out, boolean changed);

        /** How long to wait for a wake-up before {@link #send} is called anyway. */
        Duration recheck();

        /** The id of the last event sent, repeated on the unavailable and closing events; null for none. */
        default String lastId() {
            return null;
        }
    }

    /**
     * Takes the exchange over for a stream, if a place is free; else 503. It subscribes to the changes before the
     * source's first read, so no commit falls between the two; an error of that read is answered as any other.
     * {@code ended} runs once when the stream ends, or fails to start.
     */
    private void open(HttpExchange exchange, Supplier<Changes> subscribe, Supplier<Source> start, Runnable ended) {
        if (!places.tryAcquire()) {
            exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
            throw new HttpError(503, "too many live streams (" + max + "), try again later");
        }
        Changes changes = subscribe.get();
        try {
            Source source = start.get();
            threads.execute(() -> {
                try {
                    stream(exchange, changes, source);
                } finally {
                    ended.run();
                    places.release();
                }
            });
        } catch (RuntimeException e) {
            ended.run();
            changes.close();
            places.release();
            throw e;
        }
    }

    /** {@code data} as one line of JSON, with its line end. */
    private String json(Object data) {
        StringWriter text = new StringWriter();
        Output.json(new PrintWriter(text), mapper, data);
        return text.toString();
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
     * Sends what the source has, then again after each change (coalesced) or recheck, with a comment line as heartbeat
     * after a quiet spell, until the client goes or the server stops. A read that fails meanwhile (the database is
     * down) is sent as an event {@code unavailable}; the stream stays, and the feed's re-read after it reconnects sends
     * the current state.
     *
     * <p>Every event of a user's stream has an {@code id:}, the {@link #id} of the projections it sends (the unavailable
     * and closing events repeat the last one). A client that reconnects with {@code Last-Event-ID} naming the
     * projections as they are still is not sent them again: it is resumed where it was, and sent the next change.
     */
    private void stream(HttpExchange exchange, Changes changes, Source source) {
        EndPoint endPoint = exchange.request.getConnectionMetaData().getConnection().getEndPoint();
        endPoint.setIdleTimeout(HEARTBEAT.multipliedBy(2).toMillis());
        long events = 0;
        long changedAt = 0;
        long quietSince = System.nanoTime();
        boolean changed = true;
        boolean watching = false;
        boolean gone = false;
        headers(exchange);
        try (changes; PrintWriter out = new PrintWriter(new OutputStreamWriter(
                Content.Sink.asOutputStream(exchange.response), UTF_8))) {
            while (true) {
                int sent;
                try {
                    sent = source.send(out, changed);
                } catch (StoreException e) {
                    LOG.warn("GET {}: {}", exchange.route(), ErrorMessages.describe(e));
                    out.print(idLine(source.lastId()) + "event: unavailable\ndata: ");
                    Output.json(out, mapper, Map.of("error", HttpApi.DATABASE_UNAVAILABLE));
                    out.print("\n");
                    sent = 1;
                }
                events += sent;
                if (sent > 0) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince >= HEARTBEAT.toNanos()) {
                    out.print(": heartbeat\n\n");
                    quietSince = System.nanoTime();
                }
                out.flush();
                if (changedAt != 0 && sent > 0) {
                    delay.record(System.nanoTime() - changedAt, TimeUnit.NANOSECONDS);
                    changedAt = 0;
                }
                if (!watching && events > 0) {
                    watchForEnd(endPoint, changes);
                    watching = true;
                }
                if (out.checkError() || changes.ended()) {
                    gone = true;
                    break;
                }
                changed = awaitChange(changes, out, source.recheck(), source.lastId());
                if (changed) {
                    changedAt = changes.changedAt();
                } else if (changes.ended()) {
                    gone = true;
                    break;
                }
            }
        } catch (InterruptedException e) {
            // The server is stopping: the stream ends, and the client may connect again elsewhere.
            LOG.info("GET {}: ended by the server stopping", exchange.route());
        }
        if (gone) {
            LOG.info("GET {}: the client went away", exchange.route());
            exchange.callback.failed(new EofException("the client went away"));
        } else {
            exchange.callback.succeeded();
        }
        LOG.info("GET {}: {} events in {} ms", exchange.route(), events,
                (System.nanoTime() - exchange.started) / 1_000_000);
    }

    /**
     * The id of an event that carries {@code json}: the first 16 hex digits of the SHA-256 of the projections' JSON, so
     * that equal projections have equal ids on any server, with no state kept between connections.
     */
    private static String id(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot make the id of a live event", e);
        }
    }

    private static String idLine(String id) {
        return id == null ? "" : "id: " + id + "\n";
    }

    /** Waits for a change; when the server stops meanwhile, sends the last event, that says so, and rethrows. */
    private static boolean awaitChange(Changes changes, PrintWriter out, Duration timeout, String lastId)
            throws InterruptedException {
        try {
            return changes.await(timeout);
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
