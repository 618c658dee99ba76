package com.sevenmind.eventstore.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the shaded jar in a child JVM, as a user would from a shell. Integration tests only: needs `package`. */
public final class JarRunner {

    public static final Path JAR = Path.of("target", "eventstore.jar").toAbsolutePath();

    private JarRunner() {
    }

    /** {@code java -cp <classpath> Main args…}. */
    public static List<String> command(String classpath, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "com.sevenmind.eventstore.app.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * {@link #command}, in a process that takes SIGINT (Ctrl-C) even when this one ignores it. A process started as a
     * background job of a non-interactive shell ({@code mvn verify &} in a script) ignores SIGINT, its children
     * inherit that, and a JVM started so refuses a handler for it: {@code kill -INT} then does nothing. GNU env
     * resets the signal to its default before it starts the JVM; where it cannot (no {@code /proc}, so not Linux),
     * the command is left as it is.
     */
    public static List<String> commandTakingSigint(String classpath, String... args) throws IOException {
        List<String> command = command(classpath, args);
        if (ignoresSigint(ProcessHandle.current().pid())) {
            command.addAll(0, List.of("env", "--default-signal=INT"));
        }
        return command;
    }

    /** Whether the process {@code pid} ignores SIGINT, as Linux's /proc says; false where there is no /proc. */
    public static boolean ignoresSigint(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return false;
        }
        // SigIgn is a hexadecimal mask with bit (n - 1) for signal n; SIGINT is 2.
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                .anyMatch(line -> (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0b10) != 0);
    }

    /** Runs {@link #command} and waits up to two minutes. */
    public static Cli.Result run(String classpath, String... args) throws IOException, InterruptedException {
        return run(command(classpath, args));
    }

    /** Runs {@code command} and waits up to two minutes. */
    public static Cli.Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        // stderr is drained beside stdout: a full pipe would block the child.
        var err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        var out = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Cli.Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
    }
}
