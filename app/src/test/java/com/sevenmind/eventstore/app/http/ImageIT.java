package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ServeProcess;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image that {@code ./eventstore image} builds, run with podman as a platform runs it: configured by
 * {@code PORT} and {@code EVENTSTORE_DB_URL}, as a non-root user, stopped by SIGTERM. Skipped, with the reason, when
 * podman is not installed, unless CI is set: there it must run (.ci/run installs podman).
 */
@Timeout(900)
class ImageIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Path BUILD = Path.of("src", "image", "build.sh").toAbsolutePath();
    private static final Path IMAGE_JAR = Path.of("target", "eventstore-image.jar").toAbsolutePath();
    private static final Pattern BUILT = Pattern.compile("(?m)^(localhost/eventstore:\\S+) (\\d+) MB$");
    /** What podman 4.3 needs here: crun refuses the hybrid cgroup layout, and the default rlimits are refused. */
    private static final List<String> RUN = List.of("podman", "run", "--rm", "--runtime", "runc",
            "--cgroup-manager=cgroupfs", "--network", "host", "--ulimit", "nofile=4096:4096",
            "--ulimit", "nproc=4096:4096");

    @TempDir
    Path dir;

    @Test
    void the_image_serves_pushes_and_reads_as_a_non_root_user_on_PORT_and_stops_on_sigterm_with_exit_code_0()
            throws Exception {
        assumePodman();
        try (ZipFile jar = new ZipFile(IMAGE_JAR.toFile())) {
            assertTrue(jar.stream().noneMatch(entry -> entry.getName().startsWith("postgres-")),
                    "the image's jar holds the embedded PostgreSQL's binaries");
        }
        Path buildLog = dir.resolve("build.log");
        ProcessBuilder build = new ProcessBuilder(BUILD.toString()).redirectErrorStream(true)
                .redirectOutput(buildLog.toFile());
        build.environment().put("EVENTSTORE_IMAGE_JAR", IMAGE_JAR.toString());
        assertEquals(0, build.start().waitFor(), Files.readString(buildLog));
        Matcher built = BUILT.matcher(Files.readString(buildLog));
        assertTrue(built.find(), Files.readString(buildLog));
        String tag = built.group(1);
        assertTrue(Integer.parseInt(built.group(2)) <= 250, "the image is " + built.group(2) + " MB");

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String name = "eventstore-image-it-" + ProcessHandle.current().pid();
        Path log = dir.resolve("container.log");
        Process container = new ProcessBuilder(Stream.concat(RUN.stream(), Stream.of("--name", name,
                "-e", "PORT=" + port, "-e", "EVENTSTORE_DB_URL=" + db.jdbcUrl(), "-e", "EVENTSTORE_DRAIN_SECONDS=1",
                tag)).toList()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertEquals("http://0.0.0.0:" + port, ServeProcess.awaitListening(container, log));
            URI base = URI.create("http://127.0.0.1:" + port);
            assertEquals(200, ServeTest.send(base, "POST", "/pubsub/push", ServeTest.push("m-1",
                    ServeTest.track("Content Piece Started", "2024-05-01T10:00:00Z", "s-1"))).statusCode());
            String stats = ServeTest.send(base, "GET", "/users/6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11/projections/stats",
                    null).body();
            assertEquals(1, new ObjectMapper().readTree(stats).at("/projections/stats/started_count").asInt(), stats);
            assertEquals("10001", podman("exec", name, "id", "-u"), "serve runs as the image's own user");

            podman("stop", "--time", "30", name); // SIGTERM, then SIGKILL after 30 s
            assertTrue(container.waitFor(60, TimeUnit.SECONDS), "the container did not stop");
            assertEquals(0, container.exitValue(), Files.readString(log));
            assertTrue(Files.readString(log).contains("INFO ServeCommand - stopped"), Files.readString(log));
        } finally {
            container.destroy();
            new ProcessBuilder("podman", "rm", "--force", "--ignore", name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
    }

    private static String podman(String... arguments) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Stream.concat(Stream.of("podman"), Stream.of(arguments)).toList())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
        assertEquals(0, process.waitFor(), "podman " + String.join(" ", arguments) + ": " + output);
        return output;
    }

    private static void assumePodman() {
        boolean found = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, "podman")));
        if (!found) {
            if (System.getenv("CI") != null) {
                fail("podman is not installed (CI is set, so the image test must run; .ci/run installs it)");
            }
            Assumptions.abort("podman is not installed: apt-get install podman buildah debootstrap runc");
        }
    }
}
