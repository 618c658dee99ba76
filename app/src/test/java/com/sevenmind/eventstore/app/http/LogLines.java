package com.sevenmind.eventstore.app.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** What the application logs while it is open, as a collector would receive it: each line, its stack trace apart. */
final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /** One logged line: its level, its message, and whether a stack trace came with it. */
    record Line(String level, String message, boolean trace) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    LogLines() {
        setContext(root.getLoggerContext());
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new Line(event.getLevel().toString(), event.getFormattedMessage(), event.getThrowableProxy() != null));
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
