package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.app.Tracing;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.app.ingest.Way;
import com.sevenmind.eventstore.codec.ingest.PubSubEnvelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;

/**
 * The spans of the HTTP API: one for each request (kind server, its parent from the {@code traceparent} header),
 * and one for each ingestion inside it. A Pub/Sub push's is a consumer span with the messaging attributes; its
 * parent is the context the publisher put in the message's {@code googclient_traceparent} attribute (as Google's
 * client libraries do with tracing on), linked to the request's span; without one, the request's span. Names and
 * attributes follow OpenTelemetry's semantic conventions; a path is shown as its route's template, never with a
 * user's id. When tracing is off, none of this runs.
 */
final class HttpTracing {

    /** The prefix Google's Pub/Sub client libraries put before the propagator's fields in message attributes. */
    private static final String PUBSUB_PREFIX = "googclient_";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "CONNECT", "TRACE");
    // The messaging conventions are still incubating (only in an alpha artifact): their names are written here.
    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
            AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> MESSAGING_OPERATION_NAME =
            AttributeKey.stringKey("messaging.operation.name");
    private static final AttributeKey<String> MESSAGING_MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> MESSAGING_SUBSCRIPTION =
            AttributeKey.stringKey("messaging.destination.subscription.name");
    private static final AttributeKey<String> MESSAGING_ORDERING_KEY =
            AttributeKey.stringKey("messaging.gcp_pubsub.message.ordering_key");
    private static final AttributeKey<Long> MESSAGING_DELIVERY_ATTEMPT =
            AttributeKey.longKey("messaging.gcp_pubsub.message.delivery_attempt");

    private static final TextMapGetter<HttpFields> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpFields headers) {
            return headers.stream().map(HttpField::getName).toList();
        }

        @Override
        public String get(HttpFields headers, String key) {
            return headers == null ? null : headers.get(key);
        }
    };

    private static final TextMapGetter<Map<String, String>> PUBSUB_ATTRIBUTES = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> attributes) {
            return attributes.keySet().stream().filter(k -> k.startsWith(PUBSUB_PREFIX))
                    .map(k -> k.substring(PUBSUB_PREFIX.length())).toList();
        }

        @Override
        public String get(Map<String, String> attributes, String key) {
            return attributes == null ? null : attributes.get(PUBSUB_PREFIX + key);
        }
    };

    private final boolean on;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    HttpTracing(Tracing tracing) {
        this.on = tracing.on();
        this.tracer = tracing.tracer();
        this.propagator = tracing.propagator();
    }

    /**
     * Starts the request's span, as the context its work runs in ({@link HttpExchange#trace}), and ends it when Jetty
     * has completed the exchange, with the route and the status.
     */
    void watch(HttpExchange exchange) {
        if (!on) {
            return;
        }
        Request request = exchange.request;
        Context parent = propagator.extract(Context.root(), request.getHeaders(), HEADERS);
        String method = METHODS.contains(exchange.method) ? exchange.method : "_OTHER";
        SpanBuilder builder = tracer.spanBuilder(method.equals("_OTHER") ? "HTTP" : method).setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method)
                .setAttribute(UrlAttributes.URL_SCHEME, request.getHttpURI().getScheme())
                .setAttribute(ServerAttributes.SERVER_ADDRESS, Request.getServerName(request))
                .setAttribute(ServerAttributes.SERVER_PORT, (long) Request.getServerPort(request));
        if (method.equals("_OTHER")) {
            builder.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, exchange.method);
        }
        Span span = builder.startSpan();
        exchange.trace = parent.with(span);
        Request.addCompletionListener(request, failure -> {
            String route = exchange.route();
            if (!route.equals("NOT_FOUND")) {
                span.updateName((method.equals("_OTHER") ? "HTTP" : method) + " " + route);
                span.setAttribute(HttpAttributes.HTTP_ROUTE, route);
                // The template, not the path: paths hold users' ids.
                span.setAttribute(UrlAttributes.URL_PATH, route);
            }
            int status = exchange.response.getStatus();
            span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
                span.setAttribute(ErrorAttributes.ERROR_TYPE, Integer.toString(status));
            }
            if (failure != null) {
                span.recordException(failure);
            }
            span.end();
        });
    }

    /** Runs the ingestion of a request that came {@code way} (not a push) in a span of its own. */
    Object ingest(Way way, String body, Function<String, Object> ingestion) {
        if (!on) {
            return ingestion.apply(body);
        }
        return inSpan(tracer.spanBuilder("ingest " + way.path).setSpanKind(SpanKind.INTERNAL).startSpan(),
                () -> ingestion.apply(body));
    }

    /** Runs the ingestion of a push in its consumer span: see the class's description. */
    Map<String, String> push(PushBody.Input input, Function<PushBody.Input, Map<String, String>> ingestion) {
        if (!on) {
            return ingestion.apply(input);
        }
        PubSubEnvelope envelope = null;
        // A body that is no JSON object has no envelope to read: the ingestion quarantines it.
        if (input.format().equals(Inputs.PUBSUB) && input.json() != null) {
            try {
                envelope = PubSubEnvelope.parse(input.json());
            } catch (InvalidEventException e) {
                // Quarantined by the ingestion; its span says so by its result.
            }
        }
        String subscription = envelope == null || envelope.subscription() == null ? null
                : envelope.subscription().substring(envelope.subscription().lastIndexOf('/') + 1);
        SpanBuilder builder = tracer.spanBuilder(subscription == null ? "process" : "process " + subscription)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, "gcp_pubsub")
                .setAttribute(MESSAGING_OPERATION_TYPE, "process")
                .setAttribute(MESSAGING_OPERATION_NAME, "process");
        if (envelope != null) {
            builder.setAttribute(MESSAGING_MESSAGE_ID, envelope.messageId());
            if (subscription != null) {
                builder.setAttribute(MESSAGING_SUBSCRIPTION, subscription);
            }
            if (envelope.orderingKey() != null) {
                builder.setAttribute(MESSAGING_ORDERING_KEY, envelope.orderingKey());
            }
            if (envelope.deliveryAttempt() != null) {
                builder.setAttribute(MESSAGING_DELIVERY_ATTEMPT, (long) envelope.deliveryAttempt());
            }
            Context message = propagator.extract(Context.root(), envelope.attributes(), PUBSUB_ATTRIBUTES);
            SpanContext published = Span.fromContext(message).getSpanContext();
            if (published.isValid()) {
                builder.setParent(message);
                SpanContext request = Span.current().getSpanContext();
                if (request.isValid()) {
                    builder.addLink(request);
                }
            }
        }
        return inSpan(builder.startSpan(), () -> ingestion.apply(input));
    }

    /** Runs {@code work} with {@code span} current, and ends it: with the error, when {@code work} fails. */
    private static <T> T inSpan(Span span, Supplier<T> work) {
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (HttpError e) {
            if (e.status() >= 500) {
                span.setStatus(StatusCode.ERROR, e.getMessage());
            }
            span.setAttribute(ErrorAttributes.ERROR_TYPE, Integer.toString(e.status()));
            throw e;
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ErrorAttributes.ERROR_TYPE, e.getClass().getName());
            throw e;
        } finally {
            span.end();
        }
    }
}
