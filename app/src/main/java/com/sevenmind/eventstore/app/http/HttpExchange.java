package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sevenmind.eventstore.app.ErrorMessages;
import io.opentelemetry.context.Context;
import java.net.URLDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** One request being answered: Jetty's three handles, its method and path, and its query's parameters. */
final class HttpExchange {

    /** The bearer token as a query parameter (RFC 6750): a browser's EventSource cannot send a header. */
    static final String ACCESS_TOKEN = "access_token";

    final Request request;
    final Response response;
    final Callback callback;
    final String method;
    final String path;
    final long started = System.nanoTime();
    /** The route, once the path is known to name one; for the log and the metrics. */
    volatile HttpRequests.Target target;
    /** The request's span, as the context its work runs in ({@link HttpTracing}); the root when not traced. */
    volatile Context trace = Context.root();
    /** What an ingestion did, in a few words, for the log; null for other requests. */
    volatile String outcome;
    private final String rawQuery;
    private Map<String, String> parameters;

    HttpExchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.method = request.getMethod();
        String decoded = request.getHttpURI().getDecodedPath();
        this.path = decoded == null ? "/" : decoded;
        this.rawQuery = request.getHttpURI().getQuery();
    }

    /**
     * The template of the request's route, for logs and metrics, which never show a user's id; a path no route serves
     * is "NOT_FOUND".
     */
    String route() {
        HttpRequests.Target known = target;
        if (known == null) {
            try {
                known = HttpRequests.Target.of(path);
            } catch (HttpError e) {
                return "NOT_FOUND";
            }
        }
        return known.template();
    }

    /** A HEAD is answered as its GET, without the body. */
    boolean head() {
        return method.equals("HEAD");
    }

    String header(HttpHeader name) {
        return request.getHeaders().get(name);
    }

    void setHeader(HttpHeader name, String value) {
        response.getHeaders().put(name, value);
    }

    /** The access token of the query, if it has one; the query is not checked for other names here. */
    String accessToken() {
        return all().get(ACCESS_TOKEN);
    }

    /**
     * The query's parameters but the access token, each of them one of {@code known}. Decoded as a path is: a '+'
     * stays itself, which here is the offset sign of a time such as 2024-05-01T12:00:00+02:00 far more often than a
     * space.
     */
    Map<String, String> query(List<String> known) {
        Map<String, String> checked = new HashMap<>(all());
        checked.remove(ACCESS_TOKEN);
        for (String name : checked.keySet()) {
            if (!known.contains(name)) {
                throw new HttpError(400, "unknown query parameter " + ErrorMessages.quote(name) + "; known: "
                        + String.join(", ", known));
            }
        }
        return checked;
    }

    private Map<String, String> all() {
        if (parameters == null) {
            Map<String, String> parsed = new HashMap<>();
            if (rawQuery != null && !rawQuery.isEmpty()) {
                for (String pair : rawQuery.split("&")) {
                    int eq = pair.indexOf('=');
                    parsed.put(decode(eq < 0 ? pair : pair.substring(0, eq)),
                            eq < 0 ? "" : decode(pair.substring(eq + 1)));
                }
            }
            parameters = parsed;
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "query: " + ErrorMessages.quote(text) + " is not percent-encoded correctly");
        }
    }
}
