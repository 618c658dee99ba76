package com.sevenmind.eventstore.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code serve --port 0} of the shaded jar on an embedded data directory, in a child process. Needs `package`. */
public final class ServeProcess implements AutoCloseable {

    /** serve's line that names its address, in any log format (Logback's JsonEncoder writes / as \\/). */
    private static final Pattern LISTENING = Pattern.compile("listening on (http:[^\\s\"]+:\\d+)");

    public final Process process;
    public final String base;
    private final Path stderr;

    private ServeProcess(Process process, String base, Path stderr) {
        this.process = process;
        this.base = base;
        this.stderr = stderr;
    }

    /** Starts serve on {@code dataDir} and waits (up to a minute) for the line that names its port. */
    public static ServeProcess start(Path dataDir, Path stderr) throws IOException {
        return start(List.of("--data-dir", dataDir.toString(), "serve", "--port", "0"), Map.of(), stderr);
    }

    /**
     * Runs the jar with {@code arguments}, which start serve on 127.0.0.1, with {@code environment} added to this
     * process's, and waits (up to a minute) for the line that names its port.
     */
    public static ServeProcess start(List<String> arguments, Map<String, String> environment, Path stderr)
            throws IOException {
        List<String> command = JarRunner.command(JarRunner.JAR.toString(), arguments.toArray(String[]::new));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile())
                .redirectOutput(stdoutBeside(stderr).toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new ServeProcess(process, awaitListening(process, stderr), stderr);
    }

    /**
     * The address that {@code serve}, writing its log to {@code stderr}, names in its "listening on" line, once it
     * is there (up to a minute); the process is killed if it never comes.
     */
    public static String awaitListening(Process process, Path stderr) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher matcher = LISTENING.matcher(Files.exists(stderr) ? Files.readString(stderr) : "");
            if (matcher.find()) {
                return matcher.group(1).replace("\\/", "/");
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("serve did not start:\n" + Files.readString(stderr));
    }

    /** What serve wrote to stdout so far: nothing, serve's output is its log. */
    public String stdout() throws IOException {
        return Files.readString(stdoutBeside(stderr));
    }

    private static Path stdoutBeside(Path stderr) {
        return stderr.resolveSibling(stderr.getFileName() + ".out");
    }

    /** What serve wrote to stderr so far. */
    public String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** SIGTERM, and the exit code once it stopped (SIGKILL after 30 s). */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }

    /** The postmaster of {@code dataDir} and every process it started: the whole embedded server. */
    public static List<ProcessHandle> postgres(Path dataDir) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(List.of(postmaster));
        postmaster.descendants().forEach(all::add);
        return all;
    }

    /** Sends {@code signal} (STOP, CONT, KILL) to {@code processes}. */
    public static void signal(String signal, List<ProcessHandle> processes) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("failed: " + command);
        }
    }
}
