package com.sevenmind.eventstore.app;

import com.google.inject.Guice;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ServiceConfigurationError;
import picocli.CommandLine;

/** The {@code eventstore} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(execute(args, out, err));
    }

    /** Runs one command line and returns its exit code: 0 ok, 1 failure, 2 usage, 3 some input rejected. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
        if (verbose) {
            // Must happen before the first logger is created.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        Plugins plugins;
        try {
            plugins = Plugins.discover(Thread.currentThread().getContextClassLoader());
        } catch (RuntimeException | ServiceConfigurationError e) {
            err.println("eventstore: " + e.getMessage());
            return 1;
        }
        var injector = Guice.createInjector(new AppModule(plugins));
        EventStoreCommand root = injector.getInstance(EventStoreCommand.class);
        CommandLine commandLine = new CommandLine(root, new GuiceFactory(injector));
        everyCommand(commandLine, command -> command.getCommandSpec().versionProvider(new BuildVersion()));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (root.verbose()) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().println("eventstore: " + ErrorMessages.describe(e));
            return 1;
        });
        return commandLine.execute(args);
    }

    /** So that {@code -V} answers the same on every command, not only on the root. */
    private static void everyCommand(CommandLine command, java.util.function.Consumer<CommandLine> action) {
        action.accept(command);
        command.getSubcommands().values().forEach(sub -> everyCommand(sub, action));
    }
}
