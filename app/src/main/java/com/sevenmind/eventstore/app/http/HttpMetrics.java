package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.app.ingest.IngestMetrics;
import com.sevenmind.eventstore.store.AppendResult;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each request's line in the log and its sample in {@code http_server_requests_seconds}, taken when Jetty completes
 * it, so that every answer is counted: a worker's, a refusal on Jetty's thread, a live stream at its end. Both name
 * the route's template, never the path, which holds user ids; the line holds neither headers nor the query, where
 * tokens travel, nor the reasons of refusals, which quote inputs. Also {@code GET /metrics} itself.
 */
final class HttpMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(HttpMetrics.class);
    /** Methods named as they are; any other is "OTHER", so that a client cannot make series without bound. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    /** The two formats Prometheus scrapes as text; the registry writes the one its content type names. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    HttpMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Logs and measures the exchange once Jetty has completed it. */
    void watch(HttpExchange exchange) {
        Request.addCompletionListener(exchange.request, failure -> completed(exchange, exchange.response));
    }

    private void completed(HttpExchange exchange, Response response) {
        long nanos = System.nanoTime() - exchange.started;
        int status = response.getStatus();
        String method = METHODS.contains(exchange.method) ? exchange.method : "OTHER";
        String route = exchange.route();
        String outcome = status >= 500 ? "SERVER_ERROR" : status >= 400 ? "CLIENT_ERROR"
                : status >= 300 ? "REDIRECTION" : status >= 200 ? "SUCCESS" : "INFORMATIONAL";
        IngestMetrics.latency("http.server.requests")
                .description("HTTP requests by method, route template, status and outcome; a live stream at its end")
                .tags("method", method, "route", route, "status", Integer.toString(status), "outcome", outcome)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        LOG.info("{} {} {} {} ms {}", method, route, status, nanos / 1_000_000,
                exchange.outcome != null ? exchange.outcome : outcome);
    }

    /** What an ingestion answered, in a few words for the log: its result, or its counts. */
    static String outcome(Object answer) {
        if (answer instanceof AppendResult r) {
            return "stored=" + r.stored() + " duplicates=" + r.duplicates() + " conflicts=" + r.conflicts();
        }
        if (answer instanceof Map<?, ?> map) {
            Object result = map.get("result");
            return result != null ? result.toString() : map.entrySet().stream()
                    .filter(e -> e.getValue() instanceof Number)
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
        }
        return null;
    }

    /** The registry in the Prometheus text format, or in OpenMetrics when the scraper accepts it. */
    Inspector.Asset scrape(String accept) {
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPEN_METRICS
                : PROMETHEUS_TEXT;
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        try {
            registry.scrape(out, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics to memory", e);
        }
        return new Inspector.Asset(type, out.toByteArray());
    }
}
