package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.JarRunner;
import com.sevenmind.eventstore.app.ServeProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** serve's log as an operator's platform reads it: Cloud Logging's fields, its whole life at info, a clean stop. */
@Timeout(120)
class ServeLogsIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void gcp_lines_carry_severity_message_and_time_for_every_step_of_serve_and_nothing_goes_to_stdout()
            throws Exception {
        Path log = dir.resolve("serve.err");
        ServeProcess serve = ServeProcess.start(List.of("--data-dir", dir.resolve("data").toString(),
                "--log-format", "gcp", "serve", "--port", "0", "--drain-seconds", "0"), Map.of(), log);
        try (serve) {
            assertEquals(200, ServeTest.send(URI.create(serve.base), "POST", "/pubsub/push", ServeTest.push("m-1",
                    ServeTest.track("Content Piece Started", "2024-05-01T10:00:00Z", "s-1"))).statusCode());
            assertEquals(0, serve.stop(), serve.stderr());
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode node = MAPPER.readTree(line);
            assertTrue(node.isObject() && node.path("severity").isTextual() && node.path("message").isTextual(),
                    "not a Cloud Logging line: " + line);
            // RFC 3339: a date, a time and an offset.
            OffsetDateTime.parse(node.path("time").asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            assertTrue(!node.has("logging.googleapis.com/trace"), "a trace without a span: " + line);
            lines.add(node);
        }
        for (String step : List.of("starting: eventstore ", "listening on http://127.0.0.1:",
                "POST /pubsub/push 200 ", "stopping: ", "stopped")) {
            JsonNode line = lines.stream().filter(l -> l.path("message").asText().startsWith(step)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line '" + step + "...' in " + lines));
            assertEquals("INFO", line.path("severity").asText(), line.toString());
        }
        assertEquals("", serve.stdout());
    }

    @Test
    void sigterm_while_serve_starts_stops_it_cleanly_with_exit_code_0() throws Exception {
        Path log = dir.resolve("starting.err");
        Process serve = new ProcessBuilder(JarRunner.command(JarRunner.JAR.toString(), "--data-dir",
                dir.resolve("data").toString(), "serve", "--port", "0")).redirectError(log.toFile()).start();
        try {
            // The line is written once the handler is in place, before the embedded PostgreSQL starts (seconds).
            awaitLine(serve, log, "INFO ServeCommand - starting: ");
            serve.destroy(); // SIGTERM
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve did not stop: " + Files.readString(log));
            String written = Files.readString(log);
            assertEquals(0, serve.exitValue(), written);
            assertTrue(written.contains("INFO ServeCommand - stopping: asked to while starting\n")
                    && written.contains("INFO ServeCommand - stopped\n"), written);
        } finally {
            serve.destroyForcibly();
        }
    }

    private static void awaitLine(Process process, Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            assertTrue(System.nanoTime() < deadline && process.isAlive(), "no '" + text + "' in the log");
            process.waitFor(10, TimeUnit.MILLISECONDS);
        }
    }
}
