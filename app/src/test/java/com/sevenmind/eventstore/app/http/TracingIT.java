package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ServeProcess;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} of the shaded jar traced as an operator configures it, by the standard OTEL_* variables alone: a
 * push's spans are exported with their parent from {@code traceparent}; without the variables nothing is.
 */
@Timeout(120)
class TracingIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER = "00f067aa0ba902b7";

    @TempDir
    Path dir;

    /** A span as the logging-otlp exporter writes it: OTLP's JSON encoding, ids in hex. */
    private record Exported(String name, String traceId, String parentSpanId) {
    }

    @Test
    void logging_otlp_writes_a_pushs_spans_to_the_log_under_the_callers_traceparent() throws Exception {
        String stderr = servePush(Map.of("OTEL_TRACES_EXPORTER", "logging-otlp"));

        List<Exported> spans = exported(stderr);
        Exported request = one(spans, "POST /pubsub/push");
        assertEquals(new Exported("POST /pubsub/push", TRACE, CALLER), request);
        assertEquals(TRACE, one(spans, "process eventstore").traceId());
        assertEquals(TRACE, one(spans, "INSERT events").traceId());
    }

    @Test
    void otlp_sends_a_pushs_spans_to_the_collector() throws Exception {
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            received.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            servePush(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort()));
            byte[] body = received.poll(30, TimeUnit.SECONDS);
            assertTrue(body != null, "the collector received no export");
            // Protobuf holds the ids as raw bytes: the caller's trace id, and its span id as the request's parent.
            String hex = HexFormat.of().formatHex(body);
            assertTrue(hex.contains(TRACE), "the export holds the caller's trace id");
            assertTrue(hex.contains(CALLER), "the export holds the caller's span id as a parent");
            assertTrue(new String(body, UTF_8).contains("POST /pubsub/push"));
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void without_otel_variables_nothing_is_exported() throws Exception {
        String stderr = servePush(Map.of());

        assertEquals(List.of(), exported(stderr));
        assertFalse(stderr.contains(TRACE), stderr);
    }

    /** Starts serve with {@code environment}, sends one traced push, stops it (exit 0) and returns its stderr. */
    private String servePush(Map<String, String> environment) throws Exception {
        Path data = dir.resolve("data");
        ServeProcess serve = ServeProcess.start(List.of("--data-dir", data.toString(), "serve", "--port", "0",
                "--drain-seconds", "0"), environment, dir.resolve("serve-" + UUID.randomUUID() + ".err"));
        try (serve) {
            String event = PushLoad.track(UUID.randomUUID(), "rs-1", Instant.parse("2024-05-01T10:00:00Z"), 1);
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(serve.base + "/pubsub/push"))
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + TRACE + "-" + CALLER + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString(PushLoad.push("m-1", event)))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(0, serve.stop(), serve.stderr());
            return serve.stderr();
        }
    }

    /** Every span of every OTLP JSON object in {@code log}, one object a line (after the logger's prefix). */
    private static List<Exported> exported(String log) throws IOException {
        List<Exported> spans = new ArrayList<>();
        for (String line : log.split("\n")) {
            int start = line.indexOf('{');
            if (start < 0 || !line.contains("\"scopeSpans\"")) {
                continue;
            }
            JsonNode root = MAPPER.readTree(line.substring(start));
            List<JsonNode> resources = new ArrayList<>();
            if (root.has("resourceSpans")) {
                root.get("resourceSpans").forEach(resources::add);
            } else {
                resources.add(root);
            }
            for (JsonNode resource : resources) {
                for (JsonNode scope : resource.path("scopeSpans")) {
                    for (JsonNode span : scope.path("spans")) {
                        spans.add(new Exported(span.path("name").asText(), span.path("traceId").asText(),
                                span.path("parentSpanId").asText()));
                    }
                }
            }
        }
        return spans;
    }

    private static Exported one(List<Exported> spans, String name) {
        List<Exported> named = spans.stream().filter(s -> s.name().equals(name)).toList();
        assertEquals(1, named.size(), "spans named " + name + " in " + spans);
        return named.get(0);
    }
}
