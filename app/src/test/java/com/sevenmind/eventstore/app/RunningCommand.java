package com.sevenmind.eventstore.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A command that runs until interrupted (follow, feed --follow), on a thread of its own in this JVM. */
public class RunningCommand implements AutoCloseable {

    public final StringWriter out = new StringWriter();
    public final StringWriter err = new StringWriter();
    private final Thread thread;
    private volatile int exit = -1;

    /** Runs {@code command} with {@code args} against the database at {@code dbUrl}. */
    public RunningCommand(String dbUrl, String command, String... args) {
        List<String> all = new ArrayList<>(List.of("--db-url", dbUrl, command));
        all.addAll(List.of(args));
        thread = new Thread(() -> exit = Main.execute(all.toArray(String[]::new), new PrintWriter(out, true),
                new PrintWriter(err, true)), command);
        thread.start();
    }

    public List<String> lines() {
        return out.toString().lines().toList();
    }

    /** Waits up to 20 s until the last line printed satisfies {@code done}, and returns it. */
    public String awaitLast(Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<String> lines = lines();
            if (!lines.isEmpty() && done.test(lines.get(lines.size() - 1))) {
                return lines.get(lines.size() - 1);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the command did not print the expected line within 20 s; printed:\n" + out
                + "\nstderr:\n" + err);
    }

    /** Interrupts it, as Ctrl-C does, and returns its exit code. */
    public int stop() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(20));
        return exit;
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            stop();
        }
    }
}
