package com.sevenmind.eventstore.app;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.JsonFields;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.HttpIngest.Way;
import com.sevenmind.eventstore.app.ProjectCommand.Projected;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Projector;
import com.sevenmind.eventstore.store.LiveFeed;
import com.sevenmind.eventstore.store.StoreException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.TypeConversionException;

/**
 * The store over HTTP, on the JDK's own server: {@code POST /pubsub/push} and {@code POST /events} in,
 * {@code GET /users/{id}/projections[/{name}]}, {@code GET /users}, {@code GET /projections} and {@code GET /health}
 * out, {@code GET /users/{id}/projections/{name}/live} as Server-Sent Events, and the {@link Inspector} page at
 * {@code /}. Every answer but the page's files and the live streams is JSON; every refusal is
 * {@code {"error":"<one line>"}}. Requests run on a fixed pool of workers behind a bounded queue: when both are full,
 * a request is answered 503 at once instead of waiting without bound. A live stream lasts as long as its client, so
 * it runs on a thread of a separate, capped set, never holding a worker.
 */
final class HttpApi implements AutoCloseable {

    /**
     * How to serve.
     *
     * @param port    0 for any free port
     * @param token   the bearer token every POST must carry; null for none
     * @param threads workers, each handling one request at a time
     * @param queue   requests that may wait for a worker; beyond that they are answered 503
     * @param maxBody the longest request body taken, in bytes; a longer one is answered 413
     * @param streams live streams open at once; beyond that a new one is answered 503
     * @param verbose log the stack traces of unexpected errors
     */
    record Settings(String bind, int port, String token, int threads, int queue, int maxBody, int streams,
                    boolean verbose) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Pattern USER_PROJECTIONS = Pattern.compile("/users/([^/]+)/projections(?:/([^/]+))?");
    private static final Pattern LIVE = Pattern.compile("/users/([^/]+)/projections/([^/]+)/live");
    private static final List<String> PROJECTION_PARAMETERS = List.of("as_of", "late_after");
    /** How many users {@code GET /users} lists by default, and at most. */
    private static final int USERS = 10;
    private static final int MAX_USERS = 1000;
    /** How much of a body over the limit is read and dropped so that its client gets the 413: more than any push. */
    private static final long DISCARDED = 16 << 20;
    /** How long a stop waits for the requests already taken to be answered. */
    private static final long STOP_SECONDS = 10;
    /** A comment sent on a live stream after this long without news: a client that is gone is noticed. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** What {@link #route} answers when a live stream took the exchange over: it answers, and closes it. */
    private static final Answer STREAMING = new Answer(200, "streaming");

    static {
        // Unless told, the JDK's server leaves Nagle's algorithm on: the body of each answer, written after its
        // headers, then waits out the client's delayed ACK, some 40 ms. Read once, when the first server is made.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final Database db;
    private final EventStore store;
    private final Projector projector;
    private final HttpIngest ingest;
    private final ProjectionRegistry registry;
    private final ObjectMapper mapper;
    private final Settings settings;
    private final byte[] token;
    private final List<Map<String, String>> projectionRows;
    private HttpServer server;
    private ThreadPoolExecutor workers;
    private ThreadPoolExecutor streams;
    private LiveFeed feed;

    HttpApi(Database db, EventCodec codec, Inputs inputs, ProjectionRegistry registry, ObjectMapper mapper,
            Settings settings) {
        this.db = db;
        this.store = db.eventStore(codec);
        this.projector = db.projector(codec, mapper);
        this.ingest = new HttpIngest(store, db.quarantine(), inputs, mapper);
        this.registry = registry;
        this.mapper = mapper;
        this.settings = settings;
        this.token = settings.token() == null ? null : settings.token().getBytes(UTF_8);
        this.projectionRows = ProjectionsCommand.rows(registry);
    }

    /** Starts listening and returns the port. */
    int start() {
        feed = db.liveFeed();
        // No queue: a stream either gets a thread of its own now or is refused.
        streams = new ThreadPoolExecutor(0, settings.streams(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> daemon(task, "http-stream-" + STREAM_COUNT.incrementAndGet()),
                new ThreadPoolExecutor.AbortPolicy());
        workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.queue()), Worker::new,
                // Full: the server's dispatcher thread runs the request itself, and handle() answers it 503 at once.
                new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            server = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 0);
        } catch (IOException e) {
            workers.shutdown();
            streams.shutdown();
            feed.close();
            throw new UncheckedIOException("cannot listen on " + settings.bind() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    /**
     * Ends the live streams, answers the requests already taken (so an acknowledged push is one that was committed),
     * then stops.
     */
    @Override
    public void close() {
        if (server == null) {
            return;
        }
        streams.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("stopping with requests still running after {} s", STOP_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            streams.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feed.close();
        projector.close(); // the snapshots of answered requests are saved before the database may go
        server.stop(0);
        server = null;
    }

    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Answer answer = null;
        try {
            answer = Thread.currentThread() instanceof Worker ? answer(exchange, method, path) : busy(exchange);
            if (answer == STREAMING) {
                return;
            }
            send(exchange, answer);
        } catch (IOException e) {
            // The client went away, or sent less than it announced: there is no one to answer.
            LOG.info("{} {}: connection lost: {}", method, path, ErrorMessages.describe(e));
            return;
        } finally {
            if (answer != STREAMING) {
                exchange.close();
            }
        }
        LOG.info("{} {} {} {} ms", method, path, answer.status(), (System.nanoTime() - started) / 1_000_000);
    }

    private Answer answer(HttpExchange exchange, String method, String path) throws IOException {
        try {
            return route(exchange, method, path);
        } catch (HttpError e) {
            return Answer.error(e.status(), e.getMessage());
        } catch (StoreException e) {
            // The database is down or failing: nothing is acknowledged, so Pub/Sub delivers the push again.
            return Answer.error(503, ErrorMessages.describe(e));
        } catch (RuntimeException e) {
            if (settings.verbose()) {
                LOG.warn("{} {} failed", method, path, e);
            } else {
                LOG.warn("{} {} failed: {}", method, path, ErrorMessages.describe(e));
            }
            return Answer.error(500, "internal error: " + ErrorMessages.describe(e));
        }
    }

    private Answer route(HttpExchange exchange, String method, String path) throws IOException {
        return switch (path) {
            case "/pubsub/push" -> post(exchange, method, Way.PUSH, ingest::push);
            case "/events" -> post(exchange, method, Way.EVENTS, ingest::events);
            case "/projections" -> {
                only(exchange, method, "GET");
                yield new Answer(200, projectionRows);
            }
            case "/users" -> {
                only(exchange, method, "GET");
                int limit = limit(query(exchange.getRequestURI().getQuery(), List.of("limit")));
                yield new Answer(200, store.topUsers(limit));
            }
            case "/health" -> {
                only(exchange, method, "GET");
                yield store.healthy() ? new Answer(200, Map.of("status", "ok"))
                        : Answer.error(503, "database unreachable: " + db.description());
            }
            default -> {
                if (Inspector.serves(path)) {
                    only(exchange, method, "GET");
                    yield new Answer(200, Inspector.asset(path));
                }
                Matcher live = LIVE.matcher(path);
                if (live.matches()) {
                    only(exchange, method, "GET");
                    yield live(exchange, request(live.group(1), live.group(2),
                            query(exchange.getRequestURI().getQuery(), PROJECTION_PARAMETERS)));
                }
                Matcher m = USER_PROJECTIONS.matcher(path);
                if (!m.matches()) {
                    throw new HttpError(404, "no such endpoint: " + path);
                }
                only(exchange, method, "GET");
                yield new Answer(200, request(m.group(1), m.group(2),
                        query(exchange.getRequestURI().getQuery(), PROJECTION_PARAMETERS)).read(projector));
            }
        };
    }

    private Answer post(HttpExchange exchange, String method, Way way, Function<String, Object> ingestion)
            throws IOException {
        only(exchange, method, "POST");
        authorize(exchange);
        return new Answer(200, ingestion.apply(body(exchange, way)));
    }

    private static void only(HttpExchange exchange, String method, String allowed) {
        if (!method.equals(allowed)) {
            exchange.getResponseHeaders().set("Allow", allowed);
            throw new HttpError(405, "method " + method + " is not allowed on " + exchange.getRequestURI().getPath()
                    + "; use " + allowed);
        }
    }

    private void authorize(HttpExchange exchange) {
        if (token == null) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).getBytes(UTF_8) : new byte[0];
        // Constant time: how much of a guess was right must not show in how long its refusal takes.
        if (!MessageDigest.isEqual(token, presented)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new HttpError(401, "missing or wrong bearer token");
        }
    }

    /**
     * The body as text. One over the limit is never held whole: it is read just past the limit, its start is
     * quarantined like any input that can never be stored, and the rest is discarded.
     */
    private String body(HttpExchange exchange, Way way) throws IOException {
        InputStream in = exchange.getRequestBody();
        byte[] bytes = in.readNBytes(settings.maxBody() + 1);
        if (bytes.length > settings.maxBody()) {
            String kept = new String(bytes, 0, Math.min(bytes.length, Inputs.KEPT_CHARS), UTF_8);
            discard(in);
            throw ingest.refuse(413, way, kept,
                    String.format("request body is over the limit of %,d bytes", settings.maxBody()));
        }
        return new String(bytes, UTF_8);
    }

    /**
     * Reads and drops what is left of a refused body, up to {@link #DISCARDED}. Closed with unread data, the
     * connection is reset, and a client still sending sees the reset instead of the 413 (tested). Pub/Sub pushes at
     * most a 10 MB message, some 13.4 MB in base64; a body longer than that gets the reset all the same.
     */
    private static void discard(InputStream in) throws IOException {
        byte[] sink = new byte[8192];
        long left = DISCARDED;
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
            left -= n;
        }
    }

    /** What to project for a user: the projections named (all for none), as of when, and lateness. */
    private record ProjectRequest(UUID user, List<Projection<?>> projections, Instant asOf, Duration lateAfter) {

        Projected read(Projector projector) {
            return Projected.of(projector, user, projections, asOf, lateAfter);
        }
    }

    private ProjectRequest request(String user, String name, Map<String, String> query) {
        UUID userId;
        try {
            userId = JsonFields.uuid(user, "user id");
        } catch (InvalidEventException e) {
            throw new HttpError(400, "user id '" + user + "' is not a UUID");
        }
        List<Projection<?>> projections;
        try {
            projections = registry.select(name == null ? List.of() : List.of(name));
        } catch (IllegalArgumentException e) {
            throw new HttpError(404, e.getMessage());
        }
        Instant asOf = null;
        if (query.containsKey("as_of")) {
            try {
                asOf = new InstantConverter().convert(query.get("as_of"));
            } catch (TypeConversionException e) {
                throw new HttpError(400, "as_of: " + e.getMessage());
            }
        }
        Duration lateAfter = Lateness.DEFAULT_THRESHOLD;
        if (query.containsKey("late_after")) {
            try {
                lateAfter = Duration.parse(query.get("late_after"));
            } catch (DateTimeParseException e) {
                throw new HttpError(400, "late_after: '" + query.get("late_after")
                        + "' is not an ISO-8601 duration, e.g. PT1H");
            }
        }
        return new ProjectRequest(userId, projections, asOf, lateAfter);
    }

    /**
     * Takes the exchange over for a live stream of the request's projections, if a stream thread is free. It
     * subscribes before the first read, so no commit falls between the two; an error of that read is answered as
     * any other.
     */
    private Answer live(HttpExchange exchange, ProjectRequest request) {
        Changes changes = Changes.of(feed, request.user());
        try {
            Projected first = request.read(projector);
            streams.execute(() -> stream(exchange, request, changes, first));
            return STREAMING;
        } catch (RejectedExecutionException e) {
            changes.close();
            exchange.getResponseHeaders().set("Retry-After", "1");
            return Answer.error(503, "too many live streams (" + settings.streams() + "), try again later");
        } catch (RuntimeException e) {
            changes.close();
            throw e;
        }
    }

    /**
     * Sends the projections as one {@code data:} line of JSON, then again after each change (coalesced), with a
     * comment line as heartbeat after a quiet spell, until the client goes or the server stops. A read that fails
     * meanwhile (the database is down) is sent as an event {@code unavailable} with the error; the stream stays, and
     * the feed's re-read after it reconnects sends the current state.
     */
    private void stream(HttpExchange exchange, ProjectRequest request, Changes changes, Projected first) {
        long started = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        long events = 0;
        try (changes; PrintWriter out = new PrintWriter(new OutputStreamWriter(exchange.getResponseBody(), UTF_8))) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            Object data = first;
            while (true) {
                if (data == null) {
                    out.print(": heartbeat\n\n");
                } else {
                    out.print(data instanceof Projected ? "data: " : "event: unavailable\ndata: ");
                    Output.json(out, mapper, data);
                    out.print("\n");
                    events++;
                }
                out.flush();
                if (out.checkError()) {
                    LOG.info("GET {}: the client went away", path);
                    break;
                }
                data = null;
                if (changes.await(HEARTBEAT)) {
                    try {
                        data = request.read(projector);
                    } catch (StoreException e) {
                        data = Map.of("error", ErrorMessages.describe(e));
                    }
                }
            }
        } catch (IOException e) {
            LOG.info("GET {}: connection lost: {}", path, ErrorMessages.describe(e));
        } catch (InterruptedException e) {
            // The server is stopping: the stream ends, and the client may connect again elsewhere.
            LOG.info("GET {}: ended by the server stopping", path);
        } finally {
            exchange.close();
        }
        LOG.info("GET {} live: {} events in {} ms", path, events, (System.nanoTime() - started) / 1_000_000);
    }

    private static int limit(Map<String, String> query) {
        String limit = query.getOrDefault("limit", String.valueOf(USERS));
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= MAX_USERS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, as any other number out of range
        }
        throw new HttpError(400, "limit: '" + limit + "' is not a whole number from 1 to " + MAX_USERS);
    }

    /**
     * The query's parameters, from the URI's decoding: it keeps a '+' as it is, which here is the offset sign of a
     * time such as 2024-05-01T12:00:00+02:00 far more often than a space.
     */
    private static Map<String, String> query(String query, List<String> known) {
        Map<String, String> parameters = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!known.contains(name)) {
                throw new HttpError(400, "unknown query parameter '" + name + "'; known: "
                        + String.join(", ", known));
            }
            parameters.put(name, eq < 0 ? "" : pair.substring(eq + 1));
        }
        return parameters;
    }

    private static Answer busy(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Retry-After", "1");
        return Answer.error(503, "server busy, try again");
    }

    private void send(HttpExchange exchange, Answer answer) throws IOException {
        if (answer.body() instanceof Inspector.Asset asset) {
            exchange.getResponseHeaders().set("Content-Type", asset.contentType());
            exchange.sendResponseHeaders(answer.status(), asset.bytes().length);
            exchange.getResponseBody().write(asset.bytes());
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (exchange.getRequestMethod().equals("HEAD")) {
            // An answer to HEAD has no body, and the JDK's server warns of any announced.
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        // Length 0 means chunked: a large view (a long history) streams out as it is written, never held whole.
        exchange.sendResponseHeaders(answer.status(), 0);
        try (PrintWriter out = new PrintWriter(new OutputStreamWriter(exchange.getResponseBody(), UTF_8))) {
            Output.json(out, mapper, answer.body());
        }
    }

    /** A status and the value to write as its JSON body. */
    private record Answer(int status, Object body) {

        static Answer error(int status, String message) {
            return new Answer(status, Map.of("error", message));
        }
    }

    private static final AtomicInteger STREAM_COUNT = new AtomicInteger();

    /** A thread of the worker pool; a request run on any other thread found the pool and its queue full. */
    private static final class Worker extends Thread {

        private static final AtomicInteger COUNT = new AtomicInteger();

        Worker(Runnable task) {
            super(task, "http-worker-" + COUNT.incrementAndGet());
            // The serve command's main thread keeps the process alive; workers must not hold up its exit.
            setDaemon(true);
        }
    }

    /** The serve command's main thread keeps the process alive; request threads must not hold up its exit. */
    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
