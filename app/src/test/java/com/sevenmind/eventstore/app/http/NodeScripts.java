package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node the Maven build installs into {@code target/node}, and the npm projects under {@code src/test/node} whose
 * packages it installs (by {@code npm ci}) in generate-test-resources. Without them a test fails naming what is
 * missing; it never skips.
 */
final class NodeScripts {

    private static final Path NODE = Path.of("target/node/node");
    private static final String REBUILD = ": the build installs it in generate-test-resources (mvn -B verify, "
            + "without -DskipTests)";

    /** What a script wrote and how it ended. */
    record Ran(int exitCode, String out, String err) {
    }

    private final Path project;

    private NodeScripts(Path project) {
        this.project = project;
    }

    /**
     * The npm project {@code src/test/node/<name>}, checked to have node and {@code module} installed.
     *
     * @param module a package the project depends on, e.g. {@code @redocly/cli}
     */
    static NodeScripts require(String name, String module) {
        Path project = Path.of("src/test/node", name);
        if (!Files.isExecutable(NODE)) {
            fail("node is not installed at app/" + NODE + REBUILD);
        }
        if (!Files.isRegularFile(project.resolve("node_modules").resolve(module).resolve("package.json"))) {
            fail(module + " is not installed in app/" + project + "/node_modules" + REBUILD);
        }
        return new NodeScripts(project);
    }

    /** Runs {@code node args…} in the project's directory, with {@code env} added, within {@code seconds}. */
    Ran run(int seconds, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(NODE.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        // Both streams to files: a script that writes much must not block on a full pipe.
        Path out = Files.createTempFile("node-out", ".txt");
        Path err = Files.createTempFile("node-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("node " + String.join(" ", args) + " did not end within " + seconds + " s");
            }
            return new Ran(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** Runs as {@link #run} does, asserting exit code 0; what it wrote to stdout. */
    String succeed(int seconds, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Ran ran = run(seconds, env, args);
        if (ran.exitCode() != 0) {
            fail("node " + String.join(" ", args) + " exited " + ran.exitCode() + ":\n" + ran.out() + ran.err());
        }
        return ran.out();
    }
}
