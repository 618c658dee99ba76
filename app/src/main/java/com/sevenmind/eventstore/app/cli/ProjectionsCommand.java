package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "projections", mixinStandardHelpOptions = true,
        description = "Lists the projections found on the class path: name, class and jar.")
public final class ProjectionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format format;

    private final ProjectionRegistry registry;
    private final ObjectMapper mapper;

    @Inject
    ProjectionsCommand(ProjectionRegistry registry, ObjectMapper mapper) {
        this.registry = registry;
        this.mapper = mapper;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, String>> rows = registry.rows();
        if (format == Format.json) {
            Output.json(out, mapper, rows);
        } else {
            out.printf("%-16s %-56s %s%n", "NAME", "CLASS", "JAR");
            rows.forEach(r -> out.printf("%-16s %-56s %s%n", r.get("name"), r.get("class"), r.get("jar")));
        }
        return 0;
    }
}
