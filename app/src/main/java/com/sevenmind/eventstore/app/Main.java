package com.sevenmind.eventstore.app;

import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import com.sevenmind.eventstore.app.cli.EventStoreCommand;
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
        // Must happen before the first logger is created; logback.xml reads them.
        if (verbose) {
            System.setProperty("eventstore.log.level", "INFO");
        }
        System.setProperty("eventstore.log.format",
                EventStoreCommand.logFormat(args, System.getenv("EVENTSTORE_LOG_FORMAT")).name());
        Plugins plugins;
        try {
            plugins = Plugins.discover(Thread.currentThread().getContextClassLoader());
        } catch (RuntimeException | ServiceConfigurationError e) {
            err.println("eventstore: " + e.getMessage());
            return 1;
        }
        // The database is opened by this module when a command first asks, and closed here, whatever the command did.
        DatabaseModule database = new DatabaseModule();
        var injector = Guice.createInjector(new AppModule(plugins), database);
        EventStoreCommand root = injector.getInstance(EventStoreCommand.class);
        CommandLine commandLine = new CommandLine(root, new GuiceFactory(injector));
        everyCommand(commandLine, command -> command.getCommandSpec()
                .versionProvider(() -> new String[] {BuildVersion.describe()}));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, root, cmd.getErr()));
        int exitCode;
        try {
            exitCode = commandLine.execute(args);
        } catch (Throwable e) {
            // picocli hands its handler only exceptions: an Error (out of memory, say) comes out here, and gets the
            // same one line instead of the JVM's stack trace.
            exitCode = failed(e, root, err);
        }
        try {
            database.close();
        } catch (RuntimeException e) {
            return failed(e, root, err);
        }
        return exitCode;
    }

    private static int failed(Throwable e, EventStoreCommand root, PrintWriter err) {
        // What a provider threw (the database would not open) is the error; Guice's wrapping of it is not.
        Throwable error = e instanceof ProvisionException && e.getCause() != null ? e.getCause() : e;
        if (root.verbose()) {
            error.printStackTrace(err);
        }
        err.println("eventstore: " + ErrorMessages.describe(error));
        return 1;
    }

    /** So that {@code -V} answers the same on every command, not only on the root. */
    private static void everyCommand(CommandLine command, java.util.function.Consumer<CommandLine> action) {
        action.accept(command);
        command.getSubcommands().values().forEach(sub -> everyCommand(sub, action));
    }
}
