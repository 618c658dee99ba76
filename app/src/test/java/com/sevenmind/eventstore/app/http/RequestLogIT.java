package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.JarRunner;
import com.sevenmind.eventstore.app.ServeProcess;
import com.sevenmind.eventstore.store.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request log of the shaded jar's serve, read from its stderr as an operator's collector would, whatever the
 * logging backend: one line per request, by route, by default (no --verbose), and no secret in anything it wrote.
 */
class RequestLogIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String TOKEN = "write-token-5ecret";
    private static final String READ_TOKEN = "read-token-5ecret";
    private static final String WRITE_KEY = "write-key-5ecret";
    /** A Google-signed push token's shape: refused here (no such key), and never to be logged either way. */
    private static final String PUSH_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJwdXNoLTVlY3JldCJ9.c2lnLTVlY3JldA";

    @TempDir
    Path dir;

    @Test
    void every_request_has_one_line_with_method_route_status_time_and_outcome_and_no_secret() throws Exception {
        Path log = dir.resolve("serve.log");
        List<String> arguments = new ArrayList<>(List.of("--db-url", db.jdbcUrl(), "serve", "--port", "0",
                "--token", TOKEN, "--read-token", READ_TOKEN, "--rudderstack-write-key", WRITE_KEY));
        Process serve = new ProcessBuilder(JarRunner.command(JarRunner.JAR.toString(),
                arguments.toArray(String[]::new))).redirectError(log.toFile()).start();
        try {
            URI base = URI.create(ServeProcess.awaitListening(serve, log));
            UUID user = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
            String push = ServeTest.push("m-1", ServeTest.track("Content Piece Started", "2024-05-01T10:00:00Z", "s-1"));

            assertEquals(200, ServeTest.send(base, "POST", "/pubsub/push", push,
                    "Authorization", "Bearer " + TOKEN).statusCode());
            assertEquals(401, ServeTest.send(base, "POST", "/pubsub/push", push,
                    "Authorization", "Bearer " + PUSH_TOKEN).statusCode());
            assertEquals(200, ServeTest.send(base, "GET", "/users/" + user + "/projections?access_token="
                    + READ_TOKEN, null).statusCode());
            String basic = "Basic " + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(UTF_8));
            assertEquals(200, ServeTest.send(base, "POST", "/v1/track", ServeTest.track("Content Piece Started",
                    "2024-05-01T10:05:00Z", "s-2"), "Authorization", basic).statusCode());

            String written = awaitLine(log, "POST /v1/track 200 ");
            assertTrue(written.matches("(?s).*POST /pubsub/push 200 \\d+ ms stored\\n.*"), written);
            assertTrue(written.matches("(?s).*POST /pubsub/push 401 \\d+ ms CLIENT_ERROR\\n.*"), written);
            assertTrue(written.matches("(?s).*GET /users/\\{id}/projections 200 \\d+ ms SUCCESS\\n.*"), written);
            assertTrue(written.matches("(?s).*POST /v1/track 200 \\d+ ms stored=1 duplicates=0 conflicts=0 "
                    + "skipped=0 quarantined=0\\n.*"), written);
            for (String secret : List.of(TOKEN, READ_TOKEN, WRITE_KEY, PUSH_TOKEN, basic.substring(6), "5ecret")) {
                assertFalse(written.contains(secret), secret + " is in the log:\n" + written);
            }
            // A request's line names its route, not its path: no user id.
            assertTrue(written.lines().filter(l -> l.contains(" /users/")).noneMatch(l -> l.contains(user.toString())),
                    written);
        } finally {
            serve.destroy();
            if (!serve.waitFor(20, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }

    /** The log once it has a line with {@code text} (up to 10 s): lines are written after their answers. */
    private static String awaitLine(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String written = Files.readString(log);
        while (!written.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            written = Files.readString(log);
        }
        return written;
    }
}
