package com.sevenmind.eventstore.app.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While installed, Ctrl-C (SIGINT) and SIGTERM interrupt this thread instead of exiting the JVM where it stands:
 * a following command then closes what it opened and exits 0. The JDK offers no other way to handle a signal than this
 * unsupported, long-stable API (module jdk.unsupported); shutdown hooks run too late to choose the exit code.
 */
record SignalsInterrupt(Map<Signal, SignalHandler> previous) implements AutoCloseable {

    static SignalsInterrupt install() {
        Thread thread = Thread.currentThread();
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        for (String name : List.of("INT", "TERM")) {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, s -> thread.interrupt()));
        }
        return new SignalsInterrupt(previous);
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
