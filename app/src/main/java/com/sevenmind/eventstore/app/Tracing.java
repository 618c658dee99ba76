package com.sevenmind.eventstore.app;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.semconv.DbAttributes;
import io.opentelemetry.semconv.ServiceAttributes;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * OpenTelemetry tracing for {@code serve}: the SDK, configured the standard way by its autoconfigure module from the
 * {@code OTEL_*} variables (or the {@code otel.*} system properties), when {@code OTEL_TRACES_EXPORTER} names an
 * exporter ({@code otlp}, {@code logging-otlp}, {@code console}, …); else the API's no-op, which records nothing and
 * costs next to nothing. Only traces: the metrics stay Micrometer's, and logs SLF4J's.
 */
public final class Tracing implements AutoCloseable {

    /** The instrumentation scope of every span the store makes. */
    public static final String SCOPE = "com.sevenmind.eventstore";
    private static final String DEFAULT_SERVICE = "eventstore";

    private final OpenTelemetry openTelemetry;
    /** The SDK this made, closed with it; null when off or given. */
    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;

    private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
        this.openTelemetry = openTelemetry;
        this.sdk = sdk;
        this.tracer = openTelemetry.getTracer(SCOPE);
    }

    /** No tracing: the API's no-op. */
    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop(), null);
    }

    /** Spans through {@code openTelemetry}, which its owner closes (a test's SDK with an in-memory exporter). */
    public static Tracing of(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry, null);
    }

    /** As the process's environment and system properties say: see the class's description. */
    public static Tracing fromEnvironment() {
        return fromEnvironment(name -> {
            String property = System.getProperty(name);
            return property != null ? property : System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_'));
        });
    }

    /**
     * @param settings a setting's value by its property name ({@code otel.traces.exporter}), or null; autoconfigure
     *                 reads the same environment and properties itself
     * @throws IllegalArgumentException when the SDK refuses its configuration, saying why in one line
     */
    static Tracing fromEnvironment(UnaryOperator<String> settings) {
        String exporter = settings.apply("otel.traces.exporter");
        if (exporter == null || exporter.isBlank() || exporter.strip().equals("none")
                || "true".equalsIgnoreCase(settings.apply("otel.sdk.disabled"))) {
            return off();
        }
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    // Traces only, unless asked: autoconfigure would otherwise export metrics and logs over OTLP too.
                    .addPropertiesSupplier(() -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                    // The exporter this decided on, as read above (the same, unless a test gave the settings).
                    .addPropertiesCustomizer(config -> Map.of("otel.traces.exporter", exporter))
                    .addResourceCustomizer((resource, config) -> named(resource))
                    // serve closes it once the last request is answered, so that its spans are exported too.
                    .disableShutdownHook()
                    .build().getOpenTelemetrySdk();
            return new Tracing(sdk, sdk);
        } catch (ConfigurationException e) {
            throw new IllegalArgumentException("OpenTelemetry: " + e.getMessage(), e);
        }
    }

    /** The resource, named "eventstore" unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES named it. */
    private static Resource named(Resource resource) {
        String name = resource.getAttribute(ServiceAttributes.SERVICE_NAME);
        if (name != null && !name.startsWith("unknown_service")) {
            return resource;
        }
        return resource.merge(Resource.builder().put(ServiceAttributes.SERVICE_NAME, DEFAULT_SERVICE).build());
    }

    /** Whether spans may be recorded: an SDK is there. When not, the callers skip the work spans would need. */
    public boolean on() {
        return openTelemetry != OpenTelemetry.noop();
    }

    public Tracer tracer() {
        return tracer;
    }

    /** How a context travels in headers and attributes: W3C trace context unless OTEL_PROPAGATORS says otherwise. */
    public TextMapPropagator propagator() {
        return openTelemetry.getPropagators().getTextMapPropagator();
    }

    /**
     * The span current on this thread, for a log line to name its trace ({@code getTraceId()}, {@code getSpanId()},
     * {@code isSampled()}); null when there is none.
     */
    public static SpanContext current() {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid() ? context : null;
    }

    /** The events a read of the events table returned, on its span. */
    public static final AttributeKey<Long> EVENTS = AttributeKey.longKey("eventstore.events");

    /**
     * Runs {@code read} in a client span named as OpenTelemetry's conventions for databases name a read of the events
     * table, {@code SELECT events}, with {@code attributes} added to it; the span ends when {@code read} returns, and
     * records what it throws.
     */
    public static <T> T selectEvents(Tracer tracer, UnaryOperator<SpanBuilder> attributes, Function<Span, T> read) {
        Span span = attributes.apply(tracer.spanBuilder("SELECT events").setSpanKind(SpanKind.CLIENT)
                .setAttribute(DbAttributes.DB_SYSTEM_NAME, DbAttributes.DbSystemNameValues.POSTGRESQL)
                .setAttribute(DbAttributes.DB_OPERATION_NAME, "SELECT")
                .setAttribute(DbAttributes.DB_COLLECTION_NAME, "events")).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return read.apply(span);
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Exports the spans still held, and stops the SDK this made. */
    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
