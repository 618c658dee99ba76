package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.app.Instants;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.projecting.Lateness;
import com.sevenmind.eventstore.app.projecting.Projected;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import com.sevenmind.eventstore.codec.JsonFields;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What the HTTP API's paths and query parameters ask for, checked as the command line checks the same values. */
final class HttpRequests {

    private static final Pattern USER_PROJECTIONS = Pattern.compile("/users/([^/]+)/projections(?:/([^/]+))?");
    private static final Pattern LIVE = Pattern.compile("/users/([^/]+)/projections/([^/]+)/live");
    private static final Pattern USER_EVENTS = Pattern.compile("/users/([^/]+)/events");
    private static final Pattern GLOBAL_VIEW = Pattern.compile("/global/([^/]+)");
    static final List<String> PROJECTION_PARAMETERS = List.of("as_of", "late_after", "late_from");
    /** How many users {@code GET /users} lists by default, and at most. */
    private static final int USERS = 10;
    private static final int MAX_USERS = 1000;

    private HttpRequests() {
    }

    /** The endpoints, each with its one method (HEAD goes with GET). */
    enum Route {
        PUSH("POST", "/pubsub/push"), EVENTS("POST", "/events"), TRACK("POST", "/v1/track"),
        BATCH("POST", "/v1/batch"), PROJECTIONS("GET", "/projections"), USERS("GET", "/users"),
        HEALTH("GET", "/health"), LIVEZ("GET", "/livez"), READYZ("GET", "/readyz"), PAGE("GET", "/"),
        LIVE("GET", "/users/{id}/projections/{name}/live"), USER_PROJECTIONS("GET", "/users/{id}/projections"),
        USER_EVENTS("GET", "/users/{id}/events"), FEED("GET", "/feed"), FEED_STREAM("GET", "/feed/stream"),
        GLOBALS("GET", "/global"), GLOBAL("GET", "/global/{name}"),
        METRICS("GET", "/metrics"), OPENAPI("GET", ApiDocument.PATH);

        /** The routes whose one path is their template, by it; the page's files and a user's paths are matched. */
        private static final Map<String, Route> FIXED = Arrays.stream(values())
                .filter(r -> r != PAGE && !r.template.contains("{"))
                .collect(Collectors.toUnmodifiableMap(r -> r.template, r -> r));

        final String method;
        /** Its path, with {@code {id}} and {@code {name}} where a user's id and a projection's name go. */
        final String template;

        Route(String method, String template) {
            this.method = method;
            this.template = template;
        }

        /** Whether it is open to all, token or not: the health checks, the page's files and the API's document. */
        boolean open() {
            return this == HEALTH || this == LIVEZ || this == READYZ || this == PAGE || this == OPENAPI;
        }

        /** Whether it streams: its exchange is held for the stream's life, under a cap of its own. */
        boolean streams() {
            return this == LIVE || this == FEED_STREAM;
        }
    }

    /** A path's endpoint and the user and projection it names, if any. */
    record Target(Route route, String user, String projection) {

        /** 404 for a path no endpoint serves. */
        static Target of(String path) {
            Route fixed = Route.FIXED.get(path);
            if (fixed != null) {
                return new Target(fixed, null, null);
            }
            if (Inspector.serves(path)) {
                return new Target(Route.PAGE, null, null);
            }
            Matcher live = LIVE.matcher(path);
            if (live.matches()) {
                return new Target(Route.LIVE, live.group(1), live.group(2));
            }
            Matcher global = GLOBAL_VIEW.matcher(path);
            if (global.matches()) {
                return new Target(Route.GLOBAL, null, global.group(1));
            }
            Matcher events = USER_EVENTS.matcher(path);
            if (events.matches()) {
                return new Target(Route.USER_EVENTS, events.group(1), null);
            }
            Matcher m = USER_PROJECTIONS.matcher(path);
            if (m.matches()) {
                return new Target(Route.USER_PROJECTIONS, m.group(1), m.group(2));
            }
            throw new HttpError(404, "no such endpoint: " + ErrorMessages.cut(path));
        }

        /** The route's template, as metrics and the request log name it: a path without the user's id. */
        String template() {
            return route == Route.USER_PROJECTIONS && projection != null ? route.template + "/{name}" : route.template;
        }
    }

    /** What to project for a user: the projections named (all for none), as of when, and lateness. */
    record ProjectRequest(UUID user, List<Projection<?>> projections, Instant asOf, Duration lateAfter,
                          Lateness.From lateFrom) {

        /** Projects the user and writes the answer with {@code answer}, while the states are leased to it. */
        <T> T read(UserProjections userProjections, Function<Projected, T> answer) {
            return userProjections.project(user, projections, asOf, lateAfter, lateFrom, answer);
        }
    }

    static ProjectRequest project(ProjectionRegistry registry, Target target, Map<String, String> query) {
        UUID userId;
        try {
            userId = JsonFields.uuid(target.user(), "user id");
        } catch (InvalidEventException e) {
            throw new HttpError(400, "user id " + ErrorMessages.quote(target.user()) + " is not a UUID");
        }
        List<Projection<?>> projections;
        try {
            projections = registry.select(target.projection() == null ? List.of() : List.of(target.projection()));
        } catch (IllegalArgumentException e) {
            throw new HttpError(404, e.getMessage());
        }
        Instant asOf = null;
        Duration lateAfter = Lateness.DEFAULT_THRESHOLD;
        Lateness.From lateFrom = Lateness.From.recorded_at;
        try {
            if (query.containsKey("as_of")) {
                asOf = Instants.parse(query.get("as_of"));
            }
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "as_of: " + e.getMessage());
        }
        try {
            if (query.containsKey("late_after")) {
                lateAfter = Lateness.threshold(query.get("late_after"));
            }
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "late_after: " + e.getMessage());
        }
        try {
            if (query.containsKey("late_from")) {
                lateFrom = Lateness.From.parse(query.get("late_from"));
            }
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "late_from: " + e.getMessage());
        }
        return new ProjectRequest(userId, projections, asOf, lateAfter, lateFrom);
    }

    /** The {@code limit} of {@code GET /users}: the number of users, {@link #USERS} when not given. */
    static int limit(Map<String, String> query) {
        return limit(query.getOrDefault("limit", String.valueOf(USERS)), MAX_USERS);
    }

    /** A {@code limit} parameter's value: a whole number from 1 to {@code max}, else 400 saying so. */
    static int limit(String value, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, as any other number out of range
        }
        throw new HttpError(400, "limit: " + ErrorMessages.quote(value) + " is not a whole number from 1 to " + max);
    }
}
