package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Module;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.StoreModule;
import com.sevenmind.eventstore.app.Tracing;
import com.sevenmind.eventstore.app.http.HttpRequests.Route;
import com.sevenmind.eventstore.app.http.HttpRequests.Target;
import com.sevenmind.eventstore.app.ingest.Ingestion;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.app.ingest.Way;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.Utf8;
import com.sevenmind.eventstore.store.AppendBatcher;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Projector;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store over HTTP, on Jetty: {@code POST /pubsub/push} and {@code POST /events} in,
 * {@code GET /users/{id}/projections[/{name}]}, {@code GET /users/{id}/events}, {@code GET /users},
 * {@code GET /projections}, {@code GET /health}, {@code GET /livez}, {@code GET /readyz} and {@code GET /metrics}
 * out, its OpenAPI document at {@code GET /openapi.json}, {@code GET /users/{id}/projections/{name}/live} as
 * Server-Sent Events ({@link LiveStreams}), and the
 * {@link Inspector} page at {@code /}. Every answer but the page's files and the live streams is JSON; every refusal
 * is {@code {"error":"<one line>"}}.
 *
 * <p>Requests are checked ({@link HttpAccess}) and their bodies gathered ({@link HttpBody}) without waiting. A request
 * whose head and body have arrived is answered by one of a fixed number of workers, Jetty's {@link
 * org.eclipse.jetty.server.handler.QoSHandler} ({@link HttpWorkers}), behind a bounded queue: when both are full, it
 * is answered 503 at once instead of waiting without bound. {@link HttpConnections} caps the connections and gives each
 * request's head and body a deadline, so that slow clients hold neither workers nor the server.
 *
 * <p>Over 300 lines on purpose: the server's settings, its start and its ordered stop are one lifecycle; the reads,
 * the workers and ingestion live in their own files.
 */
public final class HttpApi implements AutoCloseable {

    /**
     * How to serve.
     *
     * @param port         0 for any free port
     * @param token        the bearer token every write must carry, and every read may; null for none
     * @param readToken    a bearer token every read may carry instead; null for none
     * @param allowedHosts the hosts that Host and Origin may name, or {@code *}
     * @param threads      workers, each handling one request at a time
     * @param queue        requests that may wait for a worker; beyond that they are answered 503
     * @param maxBody      the longest request body taken, in bytes; a longer one is answered 413
     * @param streams      live streams open at once; beyond that a new one is answered 503
     * @param connections  connections open at once; beyond that a new one is answered 503 and closed
     * @param headTimeout  for a request's line and headers, from the connection's opening or the previous answer
     * @param bodyTimeout  for a request's body, from the handler asking for it
     * @param idleTimeout  for a connection where nothing moves
     * @param verbose      log the stack traces of unexpected errors
     * @param pushVerifier checks Google-signed push tokens; null when pushes are not authenticated that way
     */
    public record Settings(String bind, int port, String token, String readToken, List<String> allowedHosts, int threads,
                    int queue, int maxBody, int streams, int connections, Duration headTimeout, Duration bodyTimeout,
                    Duration idleTimeout, boolean verbose, GooglePushVerifier pushVerifier) {

        public static final int QUEUE = 256;
        public static final int CONNECTIONS = 1024;
        static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
        static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);
        static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

        /** The serve command's defaults: 8 threads, 64 streams, 1 MiB bodies, and the hosts of {@code bind}. */
        public static Settings of(String bind, int port) {
            return new Settings(bind, port, null, null, HttpAccess.defaultHosts(bind), 8, QUEUE, 1 << 20, 64,
                    CONNECTIONS, HEAD_TIMEOUT, BODY_TIMEOUT, IDLE_TIMEOUT, false, null);
        }

        public Settings withTokens(String write, String read) {
            return new Settings(bind, port, write, read, allowedHosts, threads, queue, maxBody, streams, connections,
                    headTimeout, bodyTimeout, idleTimeout, verbose, pushVerifier);
        }

        public Settings withHosts(List<String> hosts) {
            return new Settings(bind, port, token, readToken, hosts, threads, queue, maxBody, streams, connections,
                    headTimeout, bodyTimeout, idleTimeout, verbose, pushVerifier);
        }

        public Settings withLimits(int threads, int queue, int maxBody, int streams, int connections) {
            return new Settings(bind, port, token, readToken, allowedHosts, threads, queue, maxBody, streams,
                    connections, headTimeout, bodyTimeout, idleTimeout, verbose, pushVerifier);
        }

        Settings withTimeouts(Duration head, Duration body, Duration idle) {
            return new Settings(bind, port, token, readToken, allowedHosts, threads, queue, maxBody, streams,
                    connections, head, body, idle, verbose, pushVerifier);
        }

        /** Google-signed pushes: a valid token lets a push in, as the write token does. */
        public Settings withPushVerifier(GooglePushVerifier verifier) {
            return new Settings(bind, port, token, readToken, allowedHosts, threads, queue, maxBody, streams,
                    connections, headTimeout, bodyTimeout, idleTimeout, verbose, verifier);
        }

        public Settings withVerbose(boolean verbose) {
            return new Settings(bind, port, token, readToken, allowedHosts, threads, queue, maxBody, streams,
                    connections, headTimeout, bodyTimeout, idleTimeout, verbose, pushVerifier);
        }
    }

    /** What a refusal says when the database fails; the detail, with the database's address, goes to the log only. */
    static final String DATABASE_UNAVAILABLE = "database unavailable";
    static final String SHUTTING_DOWN = "server shutting down, try again";
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Jetty's threads that only move bytes: its acceptor and selector, and the reads and writes of connections. */
    private static final int IO_THREADS = 32;

    private final Projector projector;
    private final Ingestion ingestion;
    private final IngestAnswers ingest;
    private final ObjectMapper mapper;
    private final Settings settings;
    private final HttpAccess access;
    private final HttpReads reads;
    private final HttpMetrics metrics;
    private final HttpTracing tracing;
    private Server server;
    private HttpConnections connections;
    private HttpWorkers workers;

    /** Made by {@link ServeModule}. */
    HttpApi(Settings settings, ObjectMapper mapper, Projector projector, Ingestion ingestion, IngestAnswers ingest,
            HttpAccess access, HttpReads reads, HttpMetrics metrics, HttpTracing tracing) {
        this.settings = settings;
        this.mapper = mapper;
        this.projector = projector;
        this.ingestion = ingestion;
        this.ingest = ingest;
        this.access = access;
        this.reads = reads;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    /**
     * The HTTP API on {@code db}, outside the serve command (a test, bench, a host): serves {@code meters} at
     * {@code GET /metrics}, and reports to it the requests, the ingestion, the live streams and the quarantine's size;
     * keeps {@code globals} current while it runs, and serves them at {@code GET /global/{name}}; with the spans of
     * requests, ingestion, shared commits and projection reads ({@link HttpTracing}). The database's own meters (the
     * pool, the snapshot cache, the live feed) are its {@link Database#instrument}'s.
     */
    public static HttpApi create(Database db, EventCodec codec, ProjectionRegistry registry,
            GlobalProjectionRegistry globals, ObjectMapper mapper, Settings settings, IngestOptions options,
            PrometheusMeterRegistry meters, Tracing tracing) {
        Module given = binder -> {
            binder.bind(Database.class).toInstance(db);
            binder.bind(EventCodec.class).toInstance(codec);
            binder.bind(ProjectionRegistry.class).toInstance(registry);
            binder.bind(GlobalProjectionRegistry.class).toInstance(globals);
            binder.bind(ObjectMapper.class).toInstance(mapper);
            binder.bind(PrometheusMeterRegistry.class).toInstance(meters);
        };
        return Guice.createInjector(given, new StoreModule(), new ServeModule(settings, options, tracing))
                .getInstance(HttpApi.class);
    }

    /** As above, without spans. */
    public static HttpApi create(Database db, EventCodec codec, ProjectionRegistry registry,
            GlobalProjectionRegistry globals, ObjectMapper mapper, Settings settings, IngestOptions options,
            PrometheusMeterRegistry meters) {
        return create(db, codec, registry, globals, mapper, settings, options, meters, Tracing.off());
    }

    /** The commits pushes have shared so far: how many, and the events in them. */
    public AppendBatcher.Counts pushCommits() {
        return ingestion.pushCommits();
    }

    /** Starts listening and returns the port. */
    public int start() {
        reads.start(settings.streams());
        workers = new HttpWorkers(settings.threads(), settings.queue(), mapper, settings.verbose());
        Gauge.builder("eventstore.http.requests.waiting", workers, HttpWorkers::getSuspendedRequestCount)
                .description("Requests waiting for a worker: all --threads are busy; past the queue's 256, 503")
                .register(metrics.registry());
        // Jetty's threads move bytes, and answer: the workers' requests and the streams' first reads run on them.
        QueuedThreadPool threads = new QueuedThreadPool(IO_THREADS + settings.threads() + settings.streams(), 4);
        threads.setName("http");
        threads.setDaemon(true); // the serve command's main thread keeps the process alive
        server = new Server(threads);
        workers.setServer(server);
        server.addBean(workers);
        HttpConfiguration configuration = new HttpConfiguration();
        configuration.setSendServerVersion(false);
        connections = new HttpConnections(configuration, settings.connections(), settings.headTimeout());
        ServerConnector connector = new ServerConnector(server, 1, 1, connections);
        connector.setHost(settings.bind());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new Dispatch()) {
            @Override
            protected void handleShutdownRejection(Request request, Response response, Callback callback) {
                // A request on a kept-alive connection after the stop began: the client may send it elsewhere.
                HttpExchange exchange = new HttpExchange(request, response, callback);
                exchange.setHeader(HttpHeader.CONNECTION, "close");
                exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
                HttpAnswer.error(503, SHUTTING_DOWN).reply(exchange, mapper);
            }
        });
        server.setErrorHandler(new HttpErrors(mapper));
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new UncheckedIOException("cannot listen on " + settings.bind() + ":" + settings.port() + ": "
                    + ErrorMessages.describe(e), e instanceof IOException io2 ? io2 : new IOException(e));
        }
        return connector.getLocalPort();
    }

    /** From now on {@code /readyz} answers 503: the process is about to stop, and wants no new traffic. */
    public void drain() {
        reads.drain();
    }

    /**
     * Stops accepting connections and requests (a request on an open connection is answered 503), ends the live
     * streams with a last event, and answers the requests already taken, so that an acknowledged push is one that was
     * committed and every other is answered 503 or not at all; then stops.
     */
    @Override
    public void close() {
        if (server == null) {
            return;
        }
        reads.drain();
        var answered = Graceful.shutdown(server);
        reads.close();
        try {
            answered.get(HttpWorkers.STOP_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("stopping with requests still running after {} s", HttpWorkers.STOP_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.stopTaking();
        projector.close(); // the snapshots of answered requests are saved before the database may go
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", ErrorMessages.describe(e));
        }
        server = null;
    }

    /** Every request: checked and routed on Jetty's thread, answered on a worker's. */
    private final class Dispatch extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            connections.handling(request);
            HttpExchange exchange = new HttpExchange(request, response, callback);
            metrics.watch(exchange);
            tracing.watch(exchange);
            try {
                access.checkHost(exchange);
                Target target = Target.of(exchange.path);
                exchange.target = target;
                boolean get = exchange.method.equals("GET") || exchange.head();
                if (!(target.route().method.equals("GET") ? get : exchange.method.equals(target.route().method))) {
                    exchange.setHeader(HttpHeader.ALLOW, target.route().method.equals("GET") ? "GET, HEAD" : "POST");
                    throw new HttpError(405, "method " + exchange.method + " is not allowed on "
                            + exchange.path + "; use " + target.route().method);
                }
                switch (target.route()) {
                    // Answered here, never queued behind busy workers: a live process answers, whatever its load.
                    case LIVEZ -> new HttpAnswer(200, Map.of("status", "up")).reply(exchange, mapper);
                    case PUSH -> write(exchange, Way.PUSH, body -> tracing.push(
                            PushBody.of(mapper, exchange.request.getHeaders(), body), ingest::push));
                    case EVENTS -> write(exchange, Way.EVENTS,
                            body -> tracing.ingest(Way.EVENTS, body, ingest::events));
                    case TRACK -> write(exchange, Way.TRACK,
                            body -> tracing.ingest(Way.TRACK, body, ingest::track));
                    case BATCH -> write(exchange, Way.BATCH,
                            body -> tracing.ingest(Way.BATCH, body, ingest::batch));
                    default -> {
                        if (!target.route().open()) {
                            access.authorizeRead(exchange);
                        }
                        // A stream holds its exchange for its life, under a cap of its own; a scrape of /metrics is
                        // wanted most while every worker is busy: neither waits for one.
                        if (target.route().streams() || target.route() == Route.METRICS) {
                            workers.now(exchange, () -> reads.answer(exchange, target));
                        } else {
                            workers.work(exchange, () -> reads.answer(exchange, target));
                        }
                    }
                }
            } catch (HttpError e) {
                if (request.getLength() != 0) {
                    // Refused before its body was read (a write without its token, say): Jetty closes such a
                    // connection once answered, so the answer says so, and a client sends its next request on a
                    // new one instead of one that is going away.
                    exchange.setHeader(HttpHeader.CONNECTION, "close");
                }
                HttpAnswer.error(e.status(), e.getMessage()).reply(exchange, mapper);
            }
            return true;
        }
    }

    /**
     * A write: checked, its body gathered without a thread, then ingested on a worker. A body is UTF-8, decoded
     * strictly: one that is not is refused 400 and quarantined, as import keeps such a line.
     */
    private void write(HttpExchange exchange, Way way, Function<String, Object> ingestion) {
        Runnable authorized = access.authorizeWrite(exchange, way);
        HttpAccess.requireJson(exchange, way);
        HttpAccess.requireUtf8(exchange);
        boolean gzip = HttpGzip.gzip(exchange);
        HttpBody.read(exchange.request, settings.maxBody(), settings.bodyTimeout(), (body, failure) -> {
            if (failure != null) {
                // Too slow, or gone: either way the connection is not worth keeping.
                LOG.info("{} {}: {}", exchange.method, exchange.route(), ErrorMessages.describe(failure));
                exchange.setHeader(HttpHeader.CONNECTION, "close");
                HttpAnswer.error(failure instanceof TimeoutException ? 408 : 400, ErrorMessages.describe(failure))
                        .reply(exchange, mapper);
                return;
            }
            if (body.over()) {
                exchange.setHeader(HttpHeader.CONNECTION, "close");
            }
            workers.work(exchange, () -> {
                authorized.run();
                boolean inflated = gzip && !body.over();
                HttpBody.Read whole = inflated ? HttpGzip.inflate(body.bytes(), settings.maxBody()) : body;
                if (whole.over()) {
                    String kept = new String(whole.bytes(), 0, Math.min(whole.bytes().length, Inputs.KEPT_CHARS),
                            UTF_8);
                    String reason = String.format("request body is over the limit of %,d bytes%s", settings.maxBody(),
                            inflated ? " (decompressed)" : "");
                    throw ingest.refuse(413, way, kept, reason, reason);
                }
                Utf8.Decoded text = new Utf8().decode(whole.bytes());
                if (!text.valid()) {
                    throw ingest.refuse(400, way, text.text(), Inputs.invalidUtf8(text.invalidAt()), "request body"
                            + (inflated ? " (decompressed)" : "") + ": " + Utf8.problem(text.invalidAt()));
                }
                Object answer = ingestion.apply(text.text());
                exchange.outcome = HttpMetrics.outcome(answer);
                return new HttpAnswer(200, answer);
            });
        });
    }
}
