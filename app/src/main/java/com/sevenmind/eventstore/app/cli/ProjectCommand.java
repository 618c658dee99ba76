package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.app.projecting.Lateness;
import com.sevenmind.eventstore.app.projecting.Projected;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "project", mixinStandardHelpOptions = true,
        description = "Runs projections over each user's stream, in event-time order, in one pass.")
public final class ProjectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "USER_ID", arity = "1..*", description = "The users (UUIDs) to project.")
    List<UUID> users;

    @Option(names = "--projection", paramLabel = "NAME",
            description = "A projection to run (repeatable; default: all, see the projections command).")
    List<String> projectionNames = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (one object per user and line).")
    Format format;

    @Option(names = "--as-of", paramLabel = "T", converter = CliValues.InstantConverter.class,
            description = "Only events the store had received at T (ISO-8601 with Z or an offset): what did we know "
                    + "then? Still in event-time order.")
    Instant asOf;

    @Option(names = "--late-after", paramLabel = "DURATION", defaultValue = "PT1H",
            converter = CliValues.ThresholdConverter.class,
            description = "Events recorded more than this after they happened count as late (ISO-8601, positive, "
                    + "at most 100 years; default: ${DEFAULT-VALUE}).")
    Duration lateAfter;

    @Option(names = "--late-from", paramLabel = "TIME", defaultValue = "recorded_at",
            description = "What an event's delay is measured to: recorded_at (when the store received it; the "
                    + "default) or received_at (when RudderStack received it; events without one are counted as "
                    + "unmeasured).")
    Lateness.From lateFrom;

    private final ProjectionRegistry registry;
    private final ObjectMapper mapper;
    private final Provider<UserProjections> userProjections;

    @Inject
    ProjectCommand(ProjectionRegistry registry, ObjectMapper mapper, Provider<UserProjections> userProjections) {
        this.registry = registry;
        this.mapper = mapper;
        this.userProjections = userProjections;
    }

    @Override
    public Integer call() {
        List<Projection<?>> projections = selected(registry, projectionNames, spec);
        PrintWriter out = spec.commandLine().getOut();
        for (UUID user : users) {
            userProjections.get().project(user, projections, asOf, lateAfter, lateFrom, projected -> {
                print(out, mapper, format, projected, lateAfter);
                return null;
            });
        }
        return 0;
    }

    /** The projections named by {@code --projection} (all when none is), or a usage error naming the unknown one. */
    static List<Projection<?>> selected(ProjectionRegistry registry, List<String> names, CommandSpec spec) {
        try {
            return registry.select(names);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** One user's result as {@code project} prints it, in {@code format}; {@code follow} prints each update so. */
    static void print(PrintWriter out, ObjectMapper mapper, Format format, Projected projected, Duration lateAfter) {
        if (format == Format.json) {
            Output.json(out, mapper, projected);
        } else {
            Lateness.View late = projected.lateness();
            out.printf("user %s: %,d events%s%n", projected.userId(), projected.eventCount(),
                    projected.asOf() == null ? "" : " recorded by " + projected.asOf());
            out.printf("  lateness%s: %,d arrived more than %s after they happened%s%s%n",
                    late.lateFrom() == null ? "" : " by " + late.lateFrom(), late.lateEvents(), lateAfter,
                    late.maxDelaySeconds() == null ? ""
                            : String.format("; largest delay %,.0f s", late.maxDelaySeconds()),
                    late.unmeasured() == null ? ""
                            : String.format("; %,d not measured, without %s", late.unmeasured(), late.lateFrom()));
            projected.unknownEventTypes().forEach((type, n) ->
                    out.printf("  %,d events of type %s, which has no registered event type: read as generic events%n",
                            n, type));
            Output.text(out, mapper, projected.projections(), "  ");
        }
        out.flush();
    }
}
