package com.sevenmind.eventstore.app.ingest;

import java.io.PrintWriter;

/**
 * Progress of long work on stderr: rewritten in place about once a second on a terminal, a line every ten seconds
 * otherwise (so logs of a redirected run stay readable).
 */
public final class Progress {

    private static final boolean TERMINAL = System.console() != null;
    private static final long INTERVAL_NANOS = (TERMINAL ? 1 : 10) * 1_000_000_000L;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long done;
    private long lastPrintNanos = startNanos;
    private boolean printed;

    /** {@code total} of 0 or less: unknown. */
    public Progress(PrintWriter err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    public void advance(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastPrintNanos >= INTERVAL_NANOS) {
            lastPrintNanos = now;
            printed = true;
            String line = String.format("%s: %,d%s events, %,.0f/s", label, done,
                    total > 0 ? String.format(" of %,d (%d%%)", total, done * 100 / total) : "",
                    done / seconds(now));
            if (TERMINAL) {
                err.print("\r" + line + "   ");
                err.flush();
            } else {
                err.println(line);
            }
        }
    }

    /** Ends the progress line, if one was printed. */
    public void finish() {
        if (printed && TERMINAL) {
            err.println();
        }
    }

    /** Seconds since the start. */
    public double elapsedSeconds() {
        return seconds(System.nanoTime());
    }

    private double seconds(long now) {
        return Math.max(1e-9, (now - startNanos) / 1e9);
    }
}
