package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.app.GlobalProjectionRegistry;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.store.GlobalProjections;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "global", mixinStandardHelpOptions = true,
        description = {"Brings the named global projections (default: all) up to date with the global feed, then "
                + "prints each: {\"projection\":NAME,\"position\":\"…\",\"view\":…}, one a line with --format json.",
                "A global projection folds every user's events, in feed order; its state is kept in the store, so a "
                        + "run folds only what is new. --rebuild folds one again from the beginning, with progress "
                        + "on stderr. See docs/feed.md."})
final class GlobalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Global projections to print (default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--rebuild", paramLabel = "NAME", description = "Fold this global projection again from the "
            + "beginning, then print it.")
    String rebuild;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format format;

    private final GlobalProjectionRegistry registry;
    private final ObjectMapper mapper;
    private final Provider<GlobalProjections> globals;

    @Inject
    GlobalCommand(GlobalProjectionRegistry registry, ObjectMapper mapper, Provider<GlobalProjections> globals) {
        this.registry = registry;
        this.mapper = mapper;
        this.globals = globals;
    }

    @Override
    public Integer call() {
        List<GlobalProjection<?>> selected;
        try {
            selected = registry.select(rebuild != null ? List.of(rebuild) : names);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (rebuild != null && !names.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--rebuild takes the one projection to rebuild; "
                    + "name no other");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (GlobalProjection<?> projection : selected) {
            GlobalProjections.Result result = rebuild == null ? globals.get().catchUp(projection)
                    : globals.get().rebuild(projection, n -> {
                        err.printf("rebuilding %s: %,d events%n", projection.name(), n);
                        err.flush();
                    });
            if (format == Format.json) {
                Output.json(out, mapper, result);
            } else {
                out.println(result.projection() + " at " + result.position());
                Output.text(out, mapper, Map.of("view", result.view()), "  ");
            }
        }
        return 0;
    }
}
