package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.JarRunner;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The jar from a shell: its completion script in bash, and --no-migrate from the environment. */
class ShellIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String JAVA_JAR = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -jar '"
            + JarRunner.JAR + "'";

    /** Runs {@code script} in bash, with {@code env} added to the environment; stdout, then stderr. */
    private static List<String> bash(String script, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        // stderr is drained beside stdout: a full pipe would block the child.
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(1, TimeUnit.MINUTES), script);
        return List.of(String.valueOf(process.exitValue()), new String(out, StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
    }

    @Test
    void the_completion_script_sourced_in_bash_completes_commands_and_subcommands() throws Exception {
        // Outside an interactive completion compopt complains on stderr: what the function puts in COMPREPLY counts.
        List<String> result = bash("""
                source <(%s generate-completion) || exit 9
                complete -p eventstore
                COMP_WORDS=(eventstore d); COMP_CWORD=1; COMP_LINE='eventstore d'; COMP_POINT=${#COMP_LINE}
                _complete_eventstore 2>/dev/null; echo "d: ${COMPREPLY[*]}"
                COMP_WORDS=(eventstore db ''); COMP_CWORD=2; COMP_LINE='eventstore db '; COMP_POINT=${#COMP_LINE}
                _complete_eventstore 2>/dev/null; echo "db: ${COMPREPLY[*]}"
                COMP_WORDS=(eventstore --no-m); COMP_CWORD=1; COMP_LINE='eventstore --no-m'; COMP_POINT=${#COMP_LINE}
                _complete_eventstore 2>/dev/null; echo "--no-m: ${COMPREPLY[*]}"
                """.formatted(JAVA_JAR), Map.of());

        assertEquals("0", result.get(0), result.toString());
        assertEquals("complete -o default -F _complete_eventstore eventstore\n"
                + "d: db demo\n"
                + "db: migrate status\n"
                + "--no-m: --no-migrate\n", result.get(1), result.toString());
    }

    @Test
    void eventstore_no_migrate_in_the_environment_refuses_a_schema_with_pending_migrations() throws Exception {
        String users = JAVA_JAR + " --db-url '" + db.jdbcUrl() + "' --db-schema fresh_env users";
        List<String> refused = bash(users, Map.of("EVENTSTORE_NO_MIGRATE", "true"));
        List<String> migrating = bash(users, Map.of("EVENTSTORE_NO_MIGRATE", "false"));

        assertEquals("1", refused.get(0), refused.toString());
        assertTrue(refused.get(2).startsWith("eventstore: the schema fresh_env of " + db.jdbcUrl()
                + " is not up to date: migrations 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 pending; with --no-migrate"),
                refused.toString());
        assertEquals(1, refused.get(2).lines().count(), refused.toString());
        assertEquals("0", migrating.get(0), migrating.toString());
    }
}
