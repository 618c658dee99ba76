package com.sevenmind.eventstore.app.cli;

import java.util.List;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop, instead of the JVM's own exit with 143 or 130. A platform (Kubernetes,
 * Cloud Run) sends SIGTERM to every instance it stops: a server that then drains and exits 0 has stopped as asked,
 * not failed. The JDK offers no supported API for this; {@code sun.misc.Signal} is the one the JDK keeps for it.
 */
final class StopSignals {

    private StopSignals() {
    }

    /** Runs {@code stop} on each SIGTERM or SIGINT, on a thread of the JVM's; it must return soon. */
    static void onStop(Runnable stop) {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException e) {
                // The JVM keeps the signal (started with -Xrs, say): it then exits by its shutdown hooks, as before.
            }
        }
    }
}
