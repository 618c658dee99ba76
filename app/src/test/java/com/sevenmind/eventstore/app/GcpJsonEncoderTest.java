package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.Test;

class GcpJsonEncoderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Logger logger = new LoggerContext().getLogger("com.example.Thing");

    @ParameterizedTest
    @CsvSource({"ERROR, ERROR", "WARN, WARNING", "INFO, INFO", "DEBUG, DEBUG", "TRACE, DEBUG"})
    void a_level_becomes_cloud_loggings_severity(String level, String severity) throws Exception {
        JsonNode line = encode(new GcpJsonEncoder(), event(Level.toLevel(level), null, Map.of()));
        assertEquals(severity, line.path("severity").asText());
        assertEquals("stored 3 of 4", line.path("message").asText());
        assertEquals("2026-01-05T08:00:00.123Z", line.path("time").asText());
        assertEquals("com.example.Thing", line.path("logger").asText());
        assertFalse(line.has("logging.googleapis.com/trace"));
    }

    @Test
    void an_exception_follows_the_message_with_its_stack_where_error_reporting_reads_it() throws Exception {
        JsonNode line = encode(new GcpJsonEncoder(), event(Level.ERROR, new IllegalStateException("boom"), Map.of()));
        String message = line.path("message").asText();
        assertTrue(message.startsWith("stored 3 of 4\njava.lang.IllegalStateException: boom\n\tat "), message);
    }

    @Test
    void the_trace_of_the_span_current_while_logging_is_written_in_the_project_when_one_is_known() throws Exception {
        GcpJsonEncoder encoder = new GcpJsonEncoder();
        encoder.setProjectId("my-project");
        try (SdkTracerProvider tracing = SdkTracerProvider.builder().build()) {
            Span span = tracing.get("test").spanBuilder("request").startSpan();
            JsonNode line;
            try (Scope ignored = span.makeCurrent()) {
                line = encode(encoder, event(Level.INFO, null, Map.of()));
            } finally {
                span.end();
            }
            assertEquals("projects/my-project/traces/" + span.getSpanContext().getTraceId(),
                    line.path("logging.googleapis.com/trace").asText());
            assertEquals(span.getSpanContext().getSpanId(), line.path("logging.googleapis.com/spanId").asText());
            assertTrue(line.path("logging.googleapis.com/trace_sampled").asBoolean());
        }
        assertFalse(encode(encoder, event(Level.INFO, null, Map.of())).has("logging.googleapis.com/trace"),
                "no trace once the span is no longer current");
    }

    private LoggingEvent event(Level level, Throwable thrown, Map<String, String> mdc) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, "stored {} of {}", thrown,
                new Object[] {3, 4});
        event.setInstant(Instant.parse("2026-01-05T08:00:00.123Z"));
        event.setMDCPropertyMap(mdc);
        return event;
    }

    private static JsonNode encode(GcpJsonEncoder encoder, LoggingEvent event) throws Exception {
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
        return MAPPER.readTree(line);
    }
}
