package com.sevenmind.eventstore.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.trace.SpanContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Log lines as Google Cloud Logging reads structured logs from stdout or stderr: one JSON object a line with
 * {@code severity}, {@code message} (the stack trace, if any, after it, where Error Reporting looks) and {@code time}
 * (RFC 3339), then {@code logger} and {@code thread}.
 *
 * <p>The trace of the line ({@code logging.googleapis.com/trace}, {@code spanId}, {@code trace_sampled}) is written
 * when a span is current on the thread that logs ({@link Tracing#current()}: the appenders write on that thread), so a
 * request's lines are found under its trace; the trace is named within the project of {@code GOOGLE_CLOUD_PROJECT}
 * when that is set.
 */
public final class GcpJsonEncoder extends EncoderBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NONE = new byte[0];

    private String projectId = System.getenv("GOOGLE_CLOUD_PROJECT");

    /** The Google Cloud project the traces belong to; by default {@code GOOGLE_CLOUD_PROJECT}. */
    public void setProjectId(String projectId) {
        this.projectId = projectId;
    }

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("severity", severity(event.getLevel()));
            json.writeStringField("message", message(event));
            json.writeStringField("time", event.getInstant().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            writeTrace(json, Tracing.current());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        line.write('\n');
        return line.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    /** Cloud Logging's LogSeverity for a Logback level. */
    static String severity(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            default -> "DEBUG";
        };
    }

    private static String message(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        return thrown == null ? event.getFormattedMessage()
                : event.getFormattedMessage() + "\n" + ThrowableProxyUtil.asString(thrown);
    }

    private void writeTrace(JsonGenerator json, SpanContext span) throws IOException {
        if (span == null) {
            return;
        }
        String traceId = span.getTraceId();
        json.writeStringField("logging.googleapis.com/trace",
                projectId == null || projectId.isBlank() ? traceId : "projects/" + projectId + "/traces/" + traceId);
        json.writeStringField("logging.googleapis.com/spanId", span.getSpanId());
        json.writeBooleanField("logging.googleapis.com/trace_sampled", span.isSampled());
    }
}
