package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The API's OpenAPI document as the tests hold every answer to it: each answer the suite receives (method, path,
 * status, content type, body) must be one the document describes, or the test fails naming the route, the status and
 * what does not match. A path the document lacks may only be answered 404, and a method a path lacks only 405, as
 * the document's {@code x-unrouted-responses} says: anything else is a route missing from the document.
 */
final class ApiContract {

    /** The document on the class path, the file the server serves. */
    static final String RESOURCE = "openapi.json";
    private static final Pattern PARAMETER = Pattern.compile("\\{[^/}]+}");
    private static final ApiContract DOCUMENT = new ApiContract(RESOURCE);

    private final String resource;
    private final JsonNode root;
    private final Map<Pattern, String> routes = new HashMap<>();
    private final SchemaRegistry registry = SchemaRegistry.withDialect(Dialects.getOpenApi31());
    private final Map<String, Schema> schemas = new HashMap<>();

    ApiContract(String resource) {
        this.resource = resource;
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        for (Iterator<String> names = root.path("paths").fieldNames(); names.hasNext(); ) {
            String template = names.next();
            StringBuilder regex = new StringBuilder();
            int last = 0;
            var parameters = PARAMETER.matcher(template);
            while (parameters.find()) {
                regex.append(Pattern.quote(template.substring(last, parameters.start()))).append("[^/]+");
                last = parameters.end();
            }
            routes.put(Pattern.compile(regex.append(Pattern.quote(template.substring(last))).toString()), template);
        }
    }

    /** Checks an answer of the HTTP client against the document. */
    static void check(String method, URI uri, HttpResponse<String> response) {
        DOCUMENT.verify(method, uri.getRawPath(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body());
    }

    /**
     * Checks an answer read off a socket whole ({@code answer}: status line, headers, body) to the request whose head
     * is {@code head}. A connection closed without an answer has nothing to check.
     */
    static void checkRaw(String head, String answer) {
        if (answer.isEmpty()) {
            return;
        }
        String[] request = head.substring(0, head.indexOf("\r\n")).split(" ");
        int end = answer.indexOf("\r\n\r\n");
        String contentType = null;
        boolean chunked = false;
        for (String line : answer.substring(0, end).split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring("content-type:".length()).strip();
            }
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        }
        String body = answer.substring(end + 4);
        int query = request[1].indexOf('?');
        check(request[0], query < 0 ? request[1] : request[1].substring(0, query),
                Integer.parseInt(answer.substring(9, 12)), contentType, chunked ? unchunked(body) : body);
    }

    /** A chunked body's content: its chunks, without their sizes (which count bytes). */
    private static String unchunked(String body) {
        byte[] bytes = body.getBytes(UTF_8);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int line = at;
            while (bytes[line] != '\r') {
                line++;
            }
            int size = Integer.parseInt(new String(bytes, at, line - at, UTF_8).split(";", 2)[0].strip(), 16);
            if (size == 0) {
                return content.toString(UTF_8);
            }
            content.write(bytes, line + 2, size);
            at = line + 2 + size + 2;
        }
    }

    /**
     * Checks one answer: {@code body} null when it was not read (a stream), {@code path} as sent, without the query.
     *
     * @throws AssertionError naming the route, the status and what does not match the document
     */
    static void check(String method, String path, int status, String contentType, String body) {
        DOCUMENT.verify(method, path, status, contentType, body);
    }

    private void verify(String method, String path, int status, String contentType, String sent) {
        boolean head = method.equals("HEAD");
        String body = head ? null : sent; // HEAD is answered as its GET, without the body
        String template = route(path);
        String route = method + " " + (template == null ? path : template);
        String where;
        if (template == null) {
            where = "/x-unrouted-responses/404";
            if (status != 404) {
                throw new AssertionError(route + " answered " + status + ": the route is missing from " + resource);
            }
        } else {
            JsonNode item = root.path("paths").path(template);
            String operation = head && !item.has("head") ? "get" : method.toLowerCase(Locale.ROOT);
            if (!item.has(operation)) {
                where = "/x-unrouted-responses/405";
                if (status != 405) {
                    throw new AssertionError(route + " answered " + status + ": the method is missing from "
                            + resource);
                }
            } else {
                where = "/paths/" + escape(template) + "/" + operation + "/responses/" + status;
                if (at(where).isMissingNode()) {
                    throw new AssertionError(route + " answered " + status + ", a status " + resource
                            + " does not list for it; body: " + cut(body));
                }
            }
        }
        where = resolved(where);
        JsonNode content = at(where).path("content");
        if (content.isMissingNode()) {
            if (body != null && !body.isEmpty()) {
                throw new AssertionError(route + " answered " + status + " with a body, which " + resource
                        + " says it has none: " + cut(body));
            }
            return;
        }
        String media = contentType == null ? "none" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!content.has(media)) {
            List<String> listed = new ArrayList<>();
            content.fieldNames().forEachRemaining(listed::add);
            throw new AssertionError(route + " answered " + status + " as " + media + ", not one of " + listed
                    + " that " + resource + " lists");
        }
        if (body == null || !media.endsWith("json")) {
            return; // a HEAD, a stream, or text: its media type is what the document holds it to
        }
        List<Error> errors = schema(where + "/content/" + escape(media) + "/schema").validate(body, InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new AssertionError(route + " answered " + status + " with a body that " + resource
                    + " does not allow: " + errors.stream().map(ApiContract::describe).toList() + "; body: " + cut(body));
        }
    }

    /**
     * Checks the JSON of a {@code data:} line of the live stream at {@code path} against the stream's
     * {@code x-data-schema}, the shape the document gives its events (OpenAPI 3.1 has no keyword for that).
     */
    static void checkStreamData(String path, String data) {
        DOCUMENT.verifyStreamData(path, data);
    }

    private void verifyStreamData(String path, String data) {
        String template = route(path);
        String where = "/paths/" + escape(String.valueOf(template)) + "/get/responses/200/content/"
                + escape("text/event-stream") + "/x-data-schema";
        if (template == null || at(where).isMissingNode()) {
            throw new AssertionError("GET " + path + " sent a data line, but " + resource
                    + " describes no event stream there");
        }
        List<Error> errors = schema(where).validate(data, InputFormat.JSON);
        if (!errors.isEmpty()) {
            throw new AssertionError("GET " + template + " sent a data line that " + resource + " does not allow: "
                    + errors.stream().map(ApiContract::describe).toList() + "; data: " + cut(data));
        }
    }

    /** Where in the body, and what is wrong there. */
    private static String describe(Error error) {
        String at = error.getInstanceLocation().toString();
        return "at " + (at.isEmpty() ? "/" : at) + ": " + error.getMessage();
    }

    /** The template of the document's path that {@code path} is, or null. */
    String route(String path) {
        String matched = null;
        for (Map.Entry<Pattern, String> route : routes.entrySet()) {
            // A literal path wins over a template that also matches it, as OpenAPI says.
            if (route.getKey().matcher(path).matches() && (matched == null || route.getValue().equals(path))) {
                matched = route.getValue();
            }
        }
        return matched;
    }

    private JsonNode at(String pointer) {
        return root.at(pointer);
    }

    /** A response object's pointer, through its {@code $ref}. */
    private String resolved(String pointer) {
        JsonNode ref = at(pointer).path("$ref");
        return ref.isTextual() ? resolved(ref.asText().substring(1)) : pointer;
    }

    private synchronized Schema schema(String pointer) {
        return schemas.computeIfAbsent(pointer, p -> {
            Schema schema = registry.getSchema(SchemaLocation.of("classpath:" + resource + "#" + fragment(p)));
            schema.initializeValidators();
            return schema;
        });
    }

    /** A JSON pointer as a URI fragment: the characters a fragment cannot hold, percent-encoded. */
    private static String fragment(String pointer) {
        return pointer.replace("{", "%7B").replace("}", "%7D");
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String cut(String body) {
        if (body == null) {
            return "(not read)";
        }
        String line = body.strip().replace('\n', ' ');
        return line.length() <= 300 ? line : line.substring(0, 300) + "…";
    }
}
