package com.sevenmind.eventstore.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.Tracing;
import com.sevenmind.eventstore.app.http.HttpApi;
import com.sevenmind.eventstore.app.http.IngestOptions;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.AppendBatcher;
import com.sevenmind.eventstore.store.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushes against PostgreSQL's own limit, on the same server: (a) {@link #CLIENTS} connections, each committing
 * single-row {@code INSERT … ON CONFLICT DO NOTHING} transactions into a scratch copy of {@code events}, as fast as
 * they can; (b) as many HTTP clients in this process, each sending distinct one-event Pub/Sub pushes (RudderStack
 * track calls in base64 envelopes, as Pub/Sub sends them) to an in-process {@code serve}, one after the other. Each
 * after a warm-up of as many: with fewer, the JIT was still compiling the request path while the pushes were timed.
 * The clients are {@link PushClients}. {@link BenchPushExternal} measures the same against serve in a process of its
 * own.
 */
final class BenchPush {

    /** Concurrent clients, and connections of the raw limit: as many as serve's default workers. */
    static final int CLIENTS = 8;
    /** Workers of the bench's serve, as serve's default: with one request in flight per client, none waits. */
    static final int THREADS = 8;

    private static final String RAW_TABLE = "events_push_raw";
    private static final String INSERT = "INSERT INTO " + RAW_TABLE
            + " (user_uuid, unique_id, event_type, schema_version, \"timestamp\", payload)"
            + " VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT (user_uuid, unique_id) DO NOTHING";

    /**
     * @param pushesPerS   pushes answered per second, all clients together
     * @param rawTxPerS    single-row transactions committed per second, all connections together
     * @param ratio        pushesPerS over rawTxPerS
     * @param meanBatch    events per shared commit of the pushes
     */
    record Result(int clients, int pushes, int serveThreads, long pushesPerS, long rawTxPerS, double ratio,
                  double p50Ms, double p99Ms, double maxMs, long commits, double meanBatch) {
    }

    private final BenchServer server;
    private final Database db;
    private final EventCodec codec;
    private final ObjectMapper mapper;
    private final ProjectionRegistry registry;

    BenchPush(BenchServer server, EventCodec codec, ObjectMapper mapper, ProjectionRegistry registry) {
        this.server = server;
        this.db = server.database();
        this.codec = codec;
        this.mapper = mapper;
        this.registry = registry;
    }

    Result measure(int pushes) throws Exception {
        int warmup = pushes;
        BenchRaw.createLikeEvents(server.connection(), RAW_TABLE);
        double rawTxPerS;
        List<Connection> connections = new ArrayList<>();
        try {
            // Connected before the clock starts, as the store's pool is: the figure is the transactions'.
            for (int c = 0; c < CLIENTS; c++) {
                connections.add(server.connect());
            }
            raw(connections, 0, warmup);
            rawTxPerS = raw(connections, warmup, pushes);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
            BenchRaw.execute(server.connection(), "DROP TABLE " + RAW_TABLE);
        }
        // Measured as served: with every meter serve keeps, the pool's included.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        db.instrument(meters);
        // No global projections: the figure is the push path's, as before they existed. Traced as serve is, when the
        // OTEL_* variables say so: how the pushes' cost changes with tracing on.
        Tracing tracing = Tracing.fromEnvironment();
        HttpApi api = HttpApi.create(db, codec, registry, new GlobalProjectionRegistry(List.of()), mapper,
                HttpApi.Settings.of("127.0.0.1", 0).withLimits(THREADS, HttpApi.Settings.QUEUE, 1 << 20, 1,
                        HttpApi.Settings.CONNECTIONS), IngestOptions.DEFAULT, meters, tracing);
        try {
            int port = api.start();
            PushClients.send(port, CLIENTS, 0, warmup);
            AppendBatcher.Counts before = api.pushCommits();
            PushClients.Timing t = PushClients.send(port, CLIENTS, warmup, pushes);
            AppendBatcher.Counts after = api.pushCommits();
            long commits = after.batches() - before.batches();
            return new Result(CLIENTS, pushes, THREADS, Math.round(t.pushesPerS()), Math.round(rawTxPerS),
                    BenchRun.round(t.pushesPerS() / rawTxPerS, 3), t.p50Ms(), t.p99Ms(), t.maxMs(), commits,
                    BenchRun.round((after.events() - before.events()) / (double) commits, 2));
        } finally {
            api.close();
            tracing.close();
        }
    }

    /**
     * Rows {@code from} to {@code from + n} of the raw limit, each a transaction, a client on each of
     * {@code connections}; returns transactions a second.
     */
    private double raw(List<Connection> connections, int from, int n) throws Exception {
        return n / PushClients.concurrently(CLIENTS, client -> {
            try (PreparedStatement insert = connections.get(client).prepareStatement(INSERT)) {
                for (int i = from + client; i < from + n; i += CLIENTS) {
                    ContentPieceStarted e = PushClients.event(i);
                    insert.setObject(1, e.userId());
                    insert.setString(2, e.uniqueId());
                    insert.setString(3, e.eventType());
                    insert.setInt(4, EventCodec.CURRENT_SCHEMA_VERSION);
                    insert.setObject(5, OffsetDateTime.ofInstant(e.timestamp(), ZoneOffset.UTC));
                    insert.setString(6, codec.payload(e));
                    if (insert.executeUpdate() != 1) {
                        throw new IllegalStateException("raw insert " + i + " stored nothing");
                    }
                }
            }
        });
    }
}
