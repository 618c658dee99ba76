package com.sevenmind.eventstore.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Tracer;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.app.FeedLines;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.http.HttpRequests.Target;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.GlobalProjections;
import com.sevenmind.eventstore.store.LiveFeed;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The answers to reads: every endpoint but the writes, which {@link IngestAnswers} takes. */
final class HttpReads {

    private static final Logger LOG = LoggerFactory.getLogger(HttpReads.class);

    private final Database db;
    private final EventStore store;
    private final ObjectMapper mapper;
    private final ProjectionRegistry registry;
    private final UserProjections userProjections;
    private final UserEventPages pages;
    private final FeedPages feedPages;
    private final List<Map<String, String>> projectionRows;
    private LiveStreams streams;
    private final GlobalProjectionRegistry globalRegistry;
    private final GlobalProjections globals;
    private GlobalKeeper keeper;

    private final HttpMetrics metrics;
    /** Set when the process is asked to stop: readiness fails from then on, so that traffic goes elsewhere. */
    private volatile boolean draining;

    HttpReads(Database db, EventStore store, EventCodec codec, ObjectMapper mapper, ProjectionRegistry registry,
              UserProjections userProjections, HttpMetrics metrics, GlobalProjectionRegistry globalRegistry,
              Tracer tracer) {
        this.globalRegistry = globalRegistry;
        this.globals = new GlobalProjections(db, codec, mapper);
        this.db = db;
        this.metrics = metrics;
        this.store = store;
        this.mapper = mapper;
        this.registry = registry;
        this.userProjections = userProjections;
        this.pages = new UserEventPages(store.storedEvents(), codec, mapper);
        this.feedPages = new FeedPages(db.feed(), new FeedLines(codec, mapper), mapper, tracer);
        this.projectionRows = registry.rows().stream().map(HttpReads::jarName).toList();
    }

    /** Opens the live streams' connection to the database, for at most {@code maxStreams} streams at once. */
    void start(int maxStreams) {
        LiveFeed feed = db.liveFeed();
        streams = new LiveStreams(feed, userProjections, mapper, maxStreams, metrics.registry());
        keeper = new GlobalKeeper(feed, globals, globalRegistry.all());
        keeper.start();
    }

    /** From now on {@code /readyz} answers 503: the process is about to stop, and wants no new traffic. */
    void drain() {
        draining = true;
    }

    /** Ends the live streams, each with a last event that says so. */
    void close() {
        keeper.close();
        streams.close();
    }

    /** A row of {@code projections}, with the jar's file name only: where it lies on the server is not for clients. */
    private static Map<String, String> jarName(Map<String, String> row) {
        Map<String, String> shown = new LinkedHashMap<>(row);
        Path jar = Path.of(row.get("jar")).getFileName();
        shown.put("jar", jar == null ? row.get("jar") : jar.toString());
        return shown;
    }

    /** The answer to a read: any endpoint but the two writes. */
    HttpAnswer answer(HttpExchange exchange, Target target) {
        return switch (target.route()) {
            case PROJECTIONS -> new HttpAnswer(200, projectionRows);
            case USERS -> new HttpAnswer(200, store.topUsers(HttpRequests.limit(exchange.query(List.of("limit")))));
            case HEALTH -> {
                if (store.healthy()) {
                    yield new HttpAnswer(200, Map.of("status", "ok"));
                }
                LOG.warn("GET /health: the database at {} does not answer", db.description());
                yield HttpAnswer.error(503, HttpApi.DATABASE_UNAVAILABLE);
            }
            case READYZ -> {
                if (draining) {
                    yield HttpAnswer.error(503, "not ready: shutting down");
                }
                if (store.healthy()) {
                    yield new HttpAnswer(200, Map.of("status", "ready"));
                }
                LOG.warn("GET /readyz: the database at {} does not answer", db.description());
                yield HttpAnswer.error(503, "not ready: " + HttpApi.DATABASE_UNAVAILABLE);
            }
            case PAGE -> new HttpAnswer(200, Inspector.asset(exchange.path));
            case OPENAPI -> new HttpAnswer(200, ApiDocument.asset());
            case METRICS -> new HttpAnswer(200, metrics.scrape(exchange.header(HttpHeader.ACCEPT)));
            case USER_EVENTS -> new HttpAnswer(200,
                    pages.page(target.user(), exchange.query(UserEventPages.PARAMETERS)));
            case GLOBALS -> {
                exchange.query(List.of());
                yield new HttpAnswer(200, globalRegistry.all().stream().map(p -> Map.of("name", p.name())).toList());
            }
            case GLOBAL -> {
                exchange.query(List.of());
                GlobalProjection<?> projection;
                try {
                    projection = globalRegistry.select(List.of(target.projection())).get(0);
                } catch (IllegalArgumentException e) {
                    throw new HttpError(404, e.getMessage());
                }
                try {
                    yield new HttpAnswer(200, globals.catchUp(projection));
                } catch (GlobalProjections.NotBuilt e) {
                    exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
                    throw new HttpError(503, e.getMessage());
                }
            }
            case FEED -> new HttpAnswer(200, feedPages.page(exchange.query(FeedPages.PARAMETERS)));
            case FEED_STREAM -> {
                // A reconnecting client's Last-Event-ID wins over the after it first connected with.
                String lastEventId = exchange.request.getHeaders().get("Last-Event-ID");
                String after = exchange.query(List.of("after")).get("after");
                var source = feedPages.stream(lastEventId != null
                        ? feedPages.position(lastEventId, "Last-Event-ID") : feedPages.position(after, "after"));
                if (exchange.head()) {
                    LiveStreams.headers(exchange);
                    yield HttpAnswer.STREAMING_HEAD;
                }
                streams.openFeed(exchange, source);
                yield HttpAnswer.STREAMING;
            }
            case LIVE -> {
                var request = HttpRequests.project(registry, target,
                        exchange.query(HttpRequests.PROJECTION_PARAMETERS));
                if (exchange.head()) {
                    LiveStreams.headers(exchange);
                    yield HttpAnswer.STREAMING_HEAD;
                }
                streams.open(exchange, request);
                yield HttpAnswer.STREAMING;
            }
            // Sent while the read holds the states its views may read: no later read folds them meanwhile.
            default -> HttpRequests.project(registry, target, exchange.query(HttpRequests.PROJECTION_PARAMETERS))
                    .read(userProjections, projected -> {
                        new HttpAnswer(200, projected).send(exchange, mapper);
                        return HttpAnswer.STREAMING;
                    });
        };
    }
}
