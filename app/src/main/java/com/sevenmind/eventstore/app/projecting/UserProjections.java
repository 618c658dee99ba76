package com.sevenmind.eventstore.app.projecting;

import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.store.Projector;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects a user: the one way {@code project}, {@code follow} and the HTTP API (its projections and live streams)
 * run projections, so that each shows the same result for the same events.
 */
public final class UserProjections {

    private static final Logger LOG = LoggerFactory.getLogger(UserProjections.class);

    private final Projector projector;

    @Inject
    public UserProjections(Projector projector) {
        this.projector = projector;
    }

    /** As {@link #project(UUID, List, Instant, Duration, Lateness.From)}: now, with the default lateness. */
    public Projected project(UUID user, List<Projection<?>> projections) {
        return project(user, projections, null, Lateness.DEFAULT_THRESHOLD, Lateness.From.recorded_at);
    }

    /**
     * Runs {@code projections} and the user's lateness over one read of the user's stream (as of {@code asOf}, when
     * not null), through the snapshot cache.
     */
    public Projected project(UUID user, List<Projection<?>> projections, Instant asOf, Duration lateAfter,
                             Lateness.From lateFrom) {
        Lateness lateness = new Lateness(lateAfter, lateFrom);
        long start = System.nanoTime();
        Projector.Result result = projector.project(user, lateness.after(projections), asOf);
        LOG.info("projected user {}: {} events ({}, {} read) in {} ms", user, result.events(),
                result.source().name().toLowerCase(Locale.ROOT), result.read(),
                (System.nanoTime() - start) / 1_000_000);
        Map<String, Object> views = new LinkedHashMap<>(result.views());
        Lateness.View late = (Lateness.View) views.remove(lateness.name());
        return new Projected(user, asOf, result.events(), late, result.unknownTypes(), views);
    }
}
