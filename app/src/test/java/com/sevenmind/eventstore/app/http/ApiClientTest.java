package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.store.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAPI document as the tools teams use read it: Redocly's CLI lints it with its recommended rules, and a
 * TypeScript client generated from it (openapi-typescript's types, openapi-fetch's calls, {@code client.ts} compiled
 * by tsc in strict mode) pushes and reads through a running server. All of it is the npm project
 * {@code src/test/node/api-client}, at the versions of its lock file.
 */
class ApiClientTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Path DOCUMENT = Path.of("src/main/resources", ApiContract.RESOURCE).toAbsolutePath();
    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    /** No telemetry and no update check: the build talks to no one but the server under test. */
    private static final Map<String, String> QUIET = Map.of("REDOCLY_TELEMETRY", "off",
            "REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");

    @Test
    void redocly_finds_no_error_and_no_warning_in_the_document() throws Exception {
        NodeScripts tools = NodeScripts.require("api-client", "@redocly/cli");

        assertEquals(List.of(), lint(tools, DOCUMENT));

        // The same lint fails a document without its licence.
        ObjectNode document = (ObjectNode) MAPPER.readTree(DOCUMENT.toFile());
        ((ObjectNode) document.get("info")).remove("license");
        Path unlicensed = Files.createTempFile("openapi-unlicensed", ".json");
        try {
            Files.writeString(unlicensed, MAPPER.writeValueAsString(document), UTF_8);
            assertEquals(List.of("warn info-license at #/info: Info object should contain `license` field."),
                    lint(tools, unlicensed));
        } finally {
            Files.delete(unlicensed);
        }
    }

    @Test
    void a_client_generated_from_the_document_compiles_and_reads_what_it_pushed() throws Exception {
        NodeScripts tools = NodeScripts.require("api-client", "openapi-typescript");
        tools.succeed(120, Map.of(), "node_modules/openapi-typescript/bin/cli.js", DOCUMENT.toString(),
                "-o", "generated/api.d.ts");
        // Compile errors fail here, naming the line: a drop-in's view read by name, metadata or an event type the
        // document types too loosely, or a call the document does not have.
        tools.succeed(180, Map.of(), "node_modules/typescript/bin/tsc", "-p", "tsconfig.json");

        UUID user = UUID.randomUUID();
        try (ServeTest.Served served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0))) {
            String read = tools.succeed(60, Map.of(), "generated/client.js", served.base().toString(),
                    user.toString());

            assertEquals("{\"pushed\":{\"stored\":1,\"duplicates\":0,\"conflicts\":0},"
                    + "\"views\":{\"history\":true,\"stats\":1},"
                    + "\"events\":[{\"unique_id\":\"ts-1\",\"event_type\":\"ContentPieceStarted\","
                    + "\"message_id\":\"m-1\",\"origin\":\"ts\"}],\"next\":null}", read.strip());
        }
    }

    /** Redocly's findings on {@code file}, each as "severity rule at pointer: message". */
    private static List<String> lint(NodeScripts tools, Path file) throws Exception {
        NodeScripts.Ran ran = tools.run(120, QUIET, "node_modules/@redocly/cli/bin/cli.js", "lint", "--format=json",
                file.toString());
        JsonNode report;
        try {
            report = MAPPER.readTree(ran.out());
        } catch (java.io.IOException e) {
            throw new AssertionError("redocly lint exited " + ran.exitCode() + " without a JSON report:\n" + ran.out()
                    + ran.err(), e);
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode problem : report.path("problems")) {
            problems.add(problem.path("severity").asText() + " " + problem.path("ruleId").asText() + " at "
                    + problem.at("/location/0/pointer").asText() + ": " + problem.path("message").asText());
        }
        return problems;
    }
}
