package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Plugins;
import com.sevenmind.eventstore.app.Tracing;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The spans of serve, end to end: a real HTTP client, {@link HttpApi} on a real database, the SDK in memory. */
class HttpTracingTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final EventCodec CODEC = new EventCodec(MAPPER);
    private static final UUID USER = UUID.fromString("0b5e7c1a-3f2d-4e8b-9a61-5c7d2e9f4a10");
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER = "b7ad6b7169203331";
    private static final String TRACEPARENT = "00-" + TRACE + "-" + CALLER + "-01";

    private static InMemorySpanExporter exporter;
    private static OpenTelemetrySdk sdk;
    private static HttpApi api;
    private static int port;
    private static URI base;

    @BeforeAll
    static void start() {
        exporter = InMemorySpanExporter.create();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        Plugins found = Plugins.discover(HttpTracingTest.class.getClassLoader());
        api = HttpApi.create(db.database(), CODEC, found.projections(), found.globals(), MAPPER,
                HttpApi.Settings.of("127.0.0.1", 0), IngestOptions.DEFAULT,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Tracing.of(sdk));
        port = api.start();
        base = URI.create("http://127.0.0.1:" + port);
    }

    @AfterAll
    static void stop() {
        api.close();
        sdk.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
        exporter.reset();
    }

    @Test
    void a_push_with_a_traceparent_is_a_server_span_under_it_then_a_consumer_span_then_a_commit_linked_to_it()
            throws Exception {
        HttpResponse<String> answer = ServeTest.send(base, "POST", "/pubsub/push", push("m-1", null),
                "traceparent", TRACEPARENT);
        assertEquals(200, answer.statusCode(), answer.body());

        SpanData server = span("POST /pubsub/push");
        assertEquals(SpanKind.SERVER, server.getKind());
        assertEquals(TRACE, server.getTraceId());
        assertEquals(CALLER, server.getParentSpanId());
        assertEquals("POST", attribute(server, "http.request.method"));
        assertEquals("/pubsub/push", attribute(server, "http.route"));
        assertEquals("/pubsub/push", attribute(server, "url.path"));
        assertEquals("http", attribute(server, "url.scheme"));
        assertEquals(200L, server.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertEquals("127.0.0.1", attribute(server, "server.address"));
        assertEquals((long) port, server.getAttributes().get(AttributeKey.longKey("server.port")));

        SpanData process = span("process eventstore");
        assertEquals(SpanKind.CONSUMER, process.getKind());
        assertEquals(server.getSpanContext(), process.getParentSpanContext());
        assertEquals("gcp_pubsub", attribute(process, "messaging.system"));
        assertEquals("process", attribute(process, "messaging.operation.type"));
        assertEquals("m-1", attribute(process, "messaging.message.id"));
        assertEquals("eventstore", attribute(process, "messaging.destination.subscription.name"));

        SpanData commit = span("INSERT events");
        assertEquals(SpanKind.CLIENT, commit.getKind());
        assertEquals(process.getSpanContext(), commit.getParentSpanContext());
        assertEquals(List.of(process.getSpanContext()),
                commit.getLinks().stream().map(LinkData::getSpanContext).toList());
        assertEquals("postgresql", attribute(commit, "db.system.name"));
        assertEquals("INSERT", attribute(commit, "db.operation.name"));
        assertEquals("events", attribute(commit, "db.collection.name"));
    }

    @Test
    void a_push_whose_message_carries_the_publishers_context_is_processed_under_it_linked_to_the_request()
            throws Exception {
        String publisher = "4bf92f3577b34da6a3ce929d0e0e4736";
        String publishSpan = "00f067aa0ba902b7";
        HttpResponse<String> answer = ServeTest.send(base, "POST", "/pubsub/push",
                push("m-2", "00-" + publisher + "-" + publishSpan + "-01"), "traceparent", TRACEPARENT);
        assertEquals(200, answer.statusCode(), answer.body());

        SpanData server = span("POST /pubsub/push");
        assertEquals(CALLER, server.getParentSpanId(), "the request's span stays under its traceparent");
        SpanData process = span("process eventstore");
        assertEquals(publisher, process.getTraceId());
        assertEquals(publishSpan, process.getParentSpanId());
        assertEquals(List.of(server.getSpanContext()),
                process.getLinks().stream().map(LinkData::getSpanContext).toList());
        assertEquals(process.getSpanContext(), span("INSERT events").getParentSpanContext());
    }

    @Test
    void an_unwrapped_push_carries_the_publishers_context_as_a_header_of_its_attributes() throws Exception {
        String publisher = "5c1e0f2a9b7d4e3c8a6b1d0f2e4c6a8b";
        String publishSpan = "1a2b3c4d5e6f7081";
        HttpResponse<String> answer = ServeTest.send(base, "POST", "/pubsub/push",
                PushLoad.track(USER, "rs-u", Instant.parse("2024-05-01T10:00:00Z"), 1),
                "x-goog-pubsub-message-id", "m-u", "x-goog-pubsub-subscription-name",
                "projects/p/subscriptions/eventstore", "googclient_traceparent",
                "00-" + publisher + "-" + publishSpan + "-01");
        assertEquals(200, answer.statusCode(), answer.body());

        SpanData process = span("process eventstore");
        assertEquals(publisher, process.getTraceId());
        assertEquals(publishSpan, process.getParentSpanId());
        assertEquals("m-u", attribute(process, "messaging.message.id"));
    }

    @Test
    void a_projection_read_is_a_database_span_under_its_request_and_no_span_names_the_user() throws Exception {
        assertEquals(200, ServeTest.send(base, "POST", "/pubsub/push", push("m-3", null)).statusCode());
        exporter.reset();

        HttpResponse<String> answer = ServeTest.send(base, "GET", "/users/" + USER + "/projections/stats", null,
                "traceparent", TRACEPARENT);
        assertEquals(200, answer.statusCode(), answer.body());

        SpanData server = span("GET /users/{id}/projections/{name}");
        assertEquals(CALLER, server.getParentSpanId());
        assertEquals("/users/{id}/projections/{name}", attribute(server, "url.path"));
        SpanData read = span("SELECT events");
        assertEquals(SpanKind.CLIENT, read.getKind());
        assertEquals(server.getSpanContext(), read.getParentSpanContext());
        assertEquals("postgresql", attribute(read, "db.system.name"));
        assertEquals("SELECT", attribute(read, "db.operation.name"));
        assertTrue(read.getAttributes().get(AttributeKey.stringArrayKey("eventstore.projections")).contains("stats"),
                read.toString());
        assertEquals(1L, read.getAttributes().get(AttributeKey.longKey("eventstore.events")));
        for (SpanData s : exporter.getFinishedSpanItems()) {
            assertFalse(s.toString().contains(USER.toString()), "a span names the user: " + s);
        }
    }

    @Test
    void a_feed_read_is_a_database_span_under_its_request_counting_what_it_returned() throws Exception {
        assertEquals(200, ServeTest.send(base, "POST", "/pubsub/push", push("m-feed", null)).statusCode());
        exporter.reset();

        HttpResponse<String> answer = ServeTest.send(base, "GET", "/feed?limit=50", null, "traceparent", TRACEPARENT);
        assertEquals(200, answer.statusCode(), answer.body());

        SpanData server = span("GET /feed");
        assertEquals(CALLER, server.getParentSpanId());
        SpanData read = span("SELECT events");
        assertEquals(SpanKind.CLIENT, read.getKind());
        assertEquals(server.getSpanContext(), read.getParentSpanContext());
        assertEquals("postgresql", attribute(read, "db.system.name"));
        assertEquals(50L, read.getAttributes().get(AttributeKey.longKey("eventstore.feed.limit")));
        long returned = MAPPER.readTree(answer.body()).path("events").size();
        assertTrue(returned > 0, answer.body());
        assertEquals(returned, read.getAttributes().get(AttributeKey.longKey("eventstore.events")));
    }

    @Test
    void an_array_of_events_is_ingested_in_a_span_under_its_request() throws Exception {
        String event = CODEC.toLine(TestEvents.started(USER, "e-1", Instant.parse("2024-05-01T10:00:00Z")), false);
        HttpResponse<String> answer = ServeTest.send(base, "POST", "/events", "[" + event + "]",
                "traceparent", TRACEPARENT);
        assertEquals(200, answer.statusCode(), answer.body());

        SpanData ingest = span("ingest /events");
        assertEquals(SpanKind.INTERNAL, ingest.getKind());
        assertEquals(span("POST /events").getSpanContext(), ingest.getParentSpanContext());
    }

    /** A wrapped push of one Started event of USER; with the publisher's context as Google's clients send it. */
    private static String push(String messageId, String publisherContext) {
        ObjectNode envelope = MAPPER.createObjectNode();
        ObjectNode message = envelope.putObject("message")
                .put("data", Base64.getEncoder().encodeToString(PushLoad.track(USER, "rs-" + messageId,
                        Instant.parse("2024-05-01T10:00:00Z"), 1).getBytes(UTF_8)))
                .put("messageId", messageId);
        if (publisherContext != null) {
            message.putObject("attributes").put("googclient_traceparent", publisherContext);
        }
        envelope.put("subscription", "projects/p/subscriptions/eventstore");
        return envelope.toString();
    }

    /** The one finished span named {@code name}, waited for: a request's span ends once its answer is sent. */
    private static SpanData span(String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<SpanData> named = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals(name)).toList();
            if (named.size() == 1) {
                return named.get(0);
            }
            if (named.size() > 1 || System.nanoTime() > deadline) {
                throw new AssertionError("spans named " + name + ": " + named + "; all: "
                        + exporter.getFinishedSpanItems());
            }
            Thread.sleep(5);
        }
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }
}
