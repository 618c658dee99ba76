package com.sevenmind.eventstore.app.projecting;

import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.Tracing;
import com.sevenmind.eventstore.store.Projector;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects a user: the one way {@code project}, {@code follow} and the HTTP API (its projections and live streams)
 * run projections, so that each shows the same result for the same events.
 */
public final class UserProjections {

    private static final Logger LOG = LoggerFactory.getLogger(UserProjections.class);
    /** The read span's attributes beside the database's: what was asked, and what was read. */
    private static final AttributeKey<List<String>> PROJECTIONS =
            AttributeKey.stringArrayKey("eventstore.projections");
    private static final AttributeKey<Long> READ = AttributeKey.longKey("eventstore.events.read");
    private static final AttributeKey<String> SOURCE = AttributeKey.stringKey("eventstore.source");

    private final Projector projector;
    private final Tracer tracer;

    @Inject
    public UserProjections(Projector projector) {
        this(projector, TracerProvider.noop().get(UserProjections.class.getName()));
    }

    /** As above, each read a span of {@code tracer}, the child of the span current then. */
    public UserProjections(Projector projector, Tracer tracer) {
        this.projector = projector;
        this.tracer = tracer;
    }

    /** As {@link #project(UUID, List, Instant, Duration, Lateness.From, Function)}: now, with the default lateness. */
    public <T> T project(UUID user, List<Projection<?>> projections, Function<Projected, T> answer) {
        return project(user, projections, null, Lateness.DEFAULT_THRESHOLD, Lateness.From.recorded_at, answer);
    }

    /**
     * Runs {@code projections} and the user's lateness over one read of the user's stream (as of {@code asOf}, when
     * not null), through the snapshot cache, and gives the result to {@code answer}, which writes it: its views are
     * the caller's only until {@code answer} returns ({@link Projector#project}).
     */
    public <T> T project(UUID user, List<Projection<?>> projections, Instant asOf, Duration lateAfter,
                         Lateness.From lateFrom, Function<Projected, T> answer) {
        Lateness lateness = new Lateness(lateAfter, lateFrom);
        long start = System.nanoTime();
        return read(user, lateness.after(projections), asOf, result -> {
            LOG.info("projected user {}: {} events ({}, {} read) in {} ms", user, result.events(),
                    result.source().name().toLowerCase(Locale.ROOT), result.read(),
                    (System.nanoTime() - start) / 1_000_000);
            Map<String, Object> views = new LinkedHashMap<>(result.views());
            Lateness.View late = (Lateness.View) views.remove(lateness.name());
            return answer.apply(new Projected(user, asOf, result.events(), late, result.unknownTypes(), views));
        });
    }

    /** The projector's read, in a span named and described as OpenTelemetry's conventions for databases say. */
    private <T> T read(UUID user, List<Projection<?>> projections, Instant asOf,
                       Function<Projector.Result, T> answer) {
        return Tracing.selectEvents(tracer,
                span -> span.setAttribute(PROJECTIONS, projections.stream().map(Projection::name).toList()),
                span -> projector.project(user, projections, asOf, result -> {
                    span.setAttribute(Tracing.EVENTS, (long) result.events());
                    span.setAttribute(READ, (long) result.read());
                    span.setAttribute(SOURCE, result.source().name().toLowerCase(Locale.ROOT));
                    return answer.apply(result);
                }));
    }
}
