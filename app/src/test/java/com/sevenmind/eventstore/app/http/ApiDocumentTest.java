package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.sevenmind.eventstore.app.http.HttpRequests.Route;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI document: served as the file is, valid OpenAPI 3.1, naming every route the server has, and held to by
 * {@link ApiContract}, which every HTTP test's answers go through.
 */
class ApiDocumentTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Path FILE = Path.of("src/main/resources", ApiContract.RESOURCE);
    private static final String USER = UUID.randomUUID().toString();

    @Test
    void the_served_document_is_the_file_byte_for_byte_and_needs_no_token() throws Exception {
        try (ServeTest.Served served = ServeTest.serve(db.database(),
                HttpApi.Settings.of("127.0.0.1", 0).withTokens("w-s3cret", "r-s3cret"))) {
            HttpResponse<String> answer = ServeTest.send(served.base(), "GET", "/openapi.json", null);

            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(null));
            assertEquals(Files.readString(FILE, UTF_8), answer.body());
        }
    }

    @Test
    void the_document_is_valid_openapi_3_1() throws Exception {
        // The OpenAPI Initiative's schemas lie in the test resources under the path of their ids: no network.
        Schema openApi = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                        builder -> builder.schemaIdResolvers(ids -> ids.mapPrefix("https://spec.openapis.org/oas/3.1",
                                "classpath:oas/3.1")))
                .getSchema(SchemaLocation.of("https://spec.openapis.org/oas/3.1/schema-base/2021-04-15"));

        List<Error> errors = openApi.validate(Files.readString(FILE, UTF_8), InputFormat.JSON);

        assertEquals(List.of(), errors.stream().map(Error::toString).toList());
        // The same check refuses what is not OpenAPI 3.1.
        assertEquals(List.of("/openapi: does not match the regex pattern ^3\\.1\\.\\d+(-.+)?$"), openApi.validate(
                Files.readString(FILE, UTF_8).replaceFirst("\"3\\.1\\.0\"", "\"3.0.3\""), InputFormat.JSON)
                .stream().map(Error::toString).toList());
    }

    @Test
    void every_route_of_the_server_is_in_the_document() {
        Map<Route, String> samples = Map.ofEntries(Map.entry(Route.PUSH, "/pubsub/push"),
                Map.entry(Route.EVENTS, "/events"), Map.entry(Route.TRACK, "/v1/track"),
                Map.entry(Route.BATCH, "/v1/batch"), Map.entry(Route.PROJECTIONS, "/projections"),
                Map.entry(Route.USERS, "/users"), Map.entry(Route.HEALTH, "/health"), Map.entry(Route.PAGE, "/"),
                Map.entry(Route.LIVE, "/users/" + USER + "/projections/stats/live"),
                Map.entry(Route.USER_PROJECTIONS, "/users/" + USER + "/projections/stats"),
                Map.entry(Route.USER_EVENTS, "/users/" + USER + "/events"), Map.entry(Route.OPENAPI, "/openapi.json"),
                Map.entry(Route.LIVEZ, "/livez"), Map.entry(Route.READYZ, "/readyz"),
                Map.entry(Route.METRICS, "/metrics"), Map.entry(Route.FEED, "/feed"),
                Map.entry(Route.FEED_STREAM, "/feed/stream"), Map.entry(Route.GLOBAL, "/global/content"),
                Map.entry(Route.GLOBALS, "/global"));
        assertEquals(EnumSet.allOf(Route.class), EnumSet.copyOf(samples.keySet()), "a sample path for every route");

        samples.forEach((route, path) -> {
            assertEquals(route, HttpRequests.Target.of(path).route(), path);
            assertEquals(true, new ApiContract(ApiContract.RESOURCE).route(path) != null, path + " is in the document");
        });
        assertEquals("/inspector/{file}", new ApiContract(ApiContract.RESOURCE).route("/inspector/inspector.js"));
    }

    // --- the check itself: each kind of drift fails, naming the route, the status and what is wrong

    @Test
    void an_answer_on_a_route_missing_from_the_document_fails() {
        assertEquals("GET /nope answered 200: the route is missing from openapi.json",
                refused("GET", "/nope", 200, "application/json", "{}"));
        assertEquals("DELETE /health answered 200: the method is missing from openapi.json",
                refused("DELETE", "/health", 200, "application/json", "{\"status\":\"ok\"}"));
        // What the server answers for those is in the document.
        ApiContract.check("GET", "/nope", 404, "application/json", "{\"error\":\"no such endpoint: /nope\"}");
        ApiContract.check("DELETE", "/health", 405, "application/json", "{\"error\":\"method DELETE …\"}");
    }

    @Test
    void a_status_a_content_type_or_a_body_the_document_does_not_allow_fails() {
        assertEquals("GET /health answered 418, a status openapi.json does not list for it; body: {}",
                refused("GET", "/health", 418, "application/json", "{}"));
        assertEquals("GET /users/{user_id}/projections answered 200 as text/plain, not one of [application/json] that "
                + "openapi.json lists", refused("GET", "/users/" + USER + "/projections", 200, "text/plain", "x"));
        assertEquals("POST /events answered 200 with a body that openapi.json does not allow: "
                        + "[at /: required property 'conflicts' not found]; body: {\"stored\":1,\"duplicates\":0}",
                refused("POST", "/events", 200, "application/json", "{\"stored\":1,\"duplicates\":0}"));
        assertEquals("POST /pubsub/push answered 400 with a body that openapi.json does not allow: "
                        + "[at /: required property 'error' not found, at /: property 'message' is not defined "
                        + "in the schema and the schema does not allow additional properties]; body: {\"message\":\"x\"}",
                refused("POST", "/pubsub/push", 400, "application/json", "{\"message\":\"x\"}"));
        ApiContract.check("HEAD", "/health", 200, "application/json", "");
    }

    @Test
    void an_answer_read_off_a_socket_is_checked_as_the_client_would_read_it() {
        String head = "GET /health?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        String chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"sta\r\nb\r\ntus\":\"ok\"}\n\r\n0\r\n\r\n";
        ApiContract.checkRaw(head, chunked);
        ApiContract.checkRaw(head, ""); // closed without an answer

        assertEquals("GET /health answered 200 with a body that openapi.json does not allow: [at /status: must be the "
                + "constant value 'ok']; body: {\"status\":\"ko\"}", assertThrows(AssertionError.class,
                () -> ApiContract.checkRaw(head, chunked.replace("ok", "ko"))).getMessage());
    }

    @Test
    void a_live_streams_data_line_the_document_does_not_allow_fails() {
        String live = "/users/" + USER + "/projections/stats/live";
        ApiContract.checkStreamData(live, "{\"error\":\"database unavailable\"}");

        String refused = assertThrows(AssertionError.class, () -> ApiContract.checkStreamData(live,
                "{\"total\":3}")).getMessage();
        assertTrue(refused.startsWith("GET /users/{user_id}/projections/{name}/live sent a data line that openapi.json "
                + "does not allow: [at /: must be valid to one and only one schema, but 0 are valid, "), refused);
        assertTrue(refused.contains("at /: required property 'user_id' not found"), refused);
        assertTrue(refused.endsWith("; data: {\"total\":3}"), refused);
        assertEquals("GET /users sent a data line, but openapi.json describes no event stream there",
                assertThrows(AssertionError.class, () -> ApiContract.checkStreamData("/users", "{}")).getMessage());
    }

    private static String refused(String method, String path, int status, String contentType, String body) {
        return assertThrows(AssertionError.class, () -> ApiContract.check(method, path, status, contentType, body))
                .getMessage();
    }
}
