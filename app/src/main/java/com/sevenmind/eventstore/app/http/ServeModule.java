package com.sevenmind.eventstore.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.Tracing;
import com.sevenmind.eventstore.app.ingest.IngestMetrics;
import com.sevenmind.eventstore.app.ingest.Ingestion;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.app.ingest.RudderStackIngest;
import com.sevenmind.eventstore.app.ingest.Way;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.AppendBatcher;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Projector;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What serves the store over HTTP, made from the serve command's values: the HTTP API, ingestion and the pushes'
 * shared commits, the access rules (tokens, Google-signed pushes), the reads, the metrics and the spans. It takes the
 * database, the store, the projector, the codec, the registries and the meter registry from the injector it is in
 * (the command line's, or {@link HttpApi#create}'s).
 */
public final class ServeModule extends AbstractModule {

    private final HttpApi.Settings settings;
    private final IngestOptions options;
    private final Tracing tracing;

    /** {@code tracing} is the caller's: it closes it after the server. */
    public ServeModule(HttpApi.Settings settings, IngestOptions options, Tracing tracing) {
        this.settings = settings;
        this.options = options;
        this.tracing = tracing;
    }

    @Provides
    @Singleton
    HttpApi api(ObjectMapper mapper, Projector projector, Ingestion ingestion, IngestAnswers ingest, HttpAccess access,
                HttpReads reads, HttpMetrics metrics) {
        return new HttpApi(settings, mapper, projector, ingestion, ingest, access, reads, metrics,
                new HttpTracing(tracing));
    }

    /** What the ingestion did, and the quarantine's size: counted by the database at each scrape, for every replica. */
    @Provides
    @Singleton
    IngestMetrics ingestMetrics(PrometheusMeterRegistry meters, Database db) {
        Gauge.builder("eventstore.quarantine.inputs", db.quarantine(), q -> q.count())
                .description("Inputs in the quarantine, from every source").strongReference(true).register(meters);
        return new IngestMetrics(meters);
    }

    /** The group commit: pushes come one event a request, and concurrent ones share a commit. */
    @Provides
    @Singleton
    AppendBatcher pushCommits(EventStore store) {
        return new AppendBatcher(store, AppendBatcher.MAX_BATCH, AppendBatcher.MAX_WAIT, tracing.tracer());
    }

    @Provides
    @Singleton
    Ingestion ingestion(EventStore store, AppendBatcher batcher, Database db, Inputs inputs, ObjectMapper mapper,
                        IngestMetrics metrics) {
        return new Ingestion(store, batcher, db.quarantine(), inputs, mapper, authenticated(), System::nanoTime,
                metrics);
    }

    @Provides
    @Singleton
    IngestAnswers ingestAnswers(EventStore store, Inputs inputs, ObjectMapper mapper, Ingestion ingestion) {
        return new IngestAnswers(ingestion, new RudderStackIngest(store, inputs, mapper, ingestion, Instant::now),
                options.nackRejected());
    }

    @Provides
    @Singleton
    HttpAccess access() {
        return new HttpAccess(settings.allowedHosts(), settings.token(), settings.readToken(),
                settings.pushVerifier(), options.rudderStackWriteKey());
    }

    @Provides
    @Singleton
    HttpMetrics metrics(PrometheusMeterRegistry meters) {
        return new HttpMetrics(meters);
    }

    @Provides
    @Singleton
    HttpReads reads(Database db, EventStore store, Projector projector, EventCodec codec, ObjectMapper mapper,
                    ProjectionRegistry registry, GlobalProjectionRegistry globals, HttpMetrics metrics) {
        return new HttpReads(db, store, codec, mapper, registry, new UserProjections(projector, tracing.tracer()),
                metrics, globals, tracing.tracer());
    }

    /** The ways in that every request must prove itself on: the quarantine limits only the others. */
    private Set<Way> authenticated() {
        Set<Way> ways = EnumSet.noneOf(Way.class);
        if (options.rudderStackWriteKey() != null) {
            ways.addAll(EnumSet.of(Way.TRACK, Way.BATCH));
        }
        if (settings.token() != null) {
            ways.addAll(EnumSet.allOf(Way.class));
        } else if (settings.pushVerifier() != null) {
            ways.add(Way.PUSH);
        }
        return ways;
    }
}
