package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When serve traces: only when OTEL_TRACES_EXPORTER names an exporter and the SDK is not disabled. */
class TracingTest {

    private static Tracing with(Map<String, String> settings) {
        return Tracing.fromEnvironment(settings::get);
    }

    @Test
    void without_an_exporter_named_the_sdk_is_never_started() {
        assertFalse(with(Map.of()).on());
        assertFalse(with(Map.of("otel.traces.exporter", "none")).on());
        assertFalse(with(Map.of("otel.traces.exporter", " ")).on());
        assertFalse(with(Map.of("otel.traces.exporter", "console", "otel.sdk.disabled", "TRUE")).on());
        assertFalse(with(Map.of("otel.exporter.otlp.endpoint", "http://localhost:4318")).on());
    }

    @Test
    void an_exporter_named_starts_the_sdk_whose_spans_name_their_trace_for_the_logs() {
        try (Tracing tracing = with(Map.of("otel.traces.exporter", "console"))) {
            assertTrue(tracing.on());
            assertNull(Tracing.current(), "no span current yet");
            Span span = tracing.tracer().spanBuilder("test").startSpan();
            try (Scope ignored = span.makeCurrent()) {
                SpanContext current = Tracing.current();
                assertEquals(span.getSpanContext().getTraceId(), current.getTraceId());
                assertEquals(span.getSpanContext().getSpanId(), current.getSpanId());
            } finally {
                span.end();
            }
        }
    }

    @Test
    void an_exporter_the_sdk_does_not_know_is_refused_in_one_line_naming_it() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> with(Map.of("otel.traces.exporter", "zipkin")));
        assertTrue(e.getMessage().startsWith("OpenTelemetry: "), e.getMessage());
        assertTrue(e.getMessage().contains("zipkin"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
