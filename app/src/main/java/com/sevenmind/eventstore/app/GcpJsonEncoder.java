package com.sevenmind.eventstore.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Log lines as Google Cloud Logging reads structured logs from stdout or stderr: one JSON object a line with
 * {@code severity}, {@code message} (the stack trace, if any, after it, where Error Reporting looks) and {@code time}
 * (RFC 3339), then {@code logger} and {@code thread}.
 *
 * <p>The trace of the line ({@code logging.googleapis.com/trace}, {@code spanId}, {@code trace_sampled}) is written
 * when the MDC holds {@code trace_id}, as OpenTelemetry's Logback MDC instrumentation puts it there (with
 * {@code span_id} and {@code trace_flags}) while a span is active; the trace is named within the project of
 * {@code GOOGLE_CLOUD_PROJECT} when that is set.
 */
public final class GcpJsonEncoder extends EncoderBase<ILoggingEvent> {

    static final String TRACE_ID = "trace_id";
    static final String SPAN_ID = "span_id";
    static final String TRACE_FLAGS = "trace_flags";
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
            writeTrace(json, event.getMDCPropertyMap());
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

    private void writeTrace(JsonGenerator json, Map<String, String> mdc) throws IOException {
        String traceId = mdc.get(TRACE_ID);
        if (traceId == null) {
            return;
        }
        json.writeStringField("logging.googleapis.com/trace",
                projectId == null || projectId.isBlank() ? traceId : "projects/" + projectId + "/traces/" + traceId);
        String spanId = mdc.get(SPAN_ID);
        if (spanId != null) {
            json.writeStringField("logging.googleapis.com/spanId", spanId);
        }
        String flags = mdc.get(TRACE_FLAGS);
        if (flags != null) {
            json.writeBooleanField("logging.googleapis.com/trace_sampled", flags.endsWith("1"));
        }
    }
}
