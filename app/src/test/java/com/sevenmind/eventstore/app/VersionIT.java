package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --version} tells the version and commit the build wrote into the jar, on the root and on any command. */
class VersionIT {

    @Test
    void the_jar_reports_the_builds_version_and_commit_on_every_command() throws Exception {
        Cli.Result root = JarRunner.run(JarRunner.JAR.toString(), "--version");
        assertEquals(0, root.exit(), root.toString());
        assertTrue(root.out().strip().matches("eventstore \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{10}\\)"),
                root.out());
        for (String[] command : new String[][] {{"project", "-V"}, {"cluster", "status", "--version"}}) {
            Cli.Result sub = JarRunner.run(JarRunner.JAR.toString(), command);
            assertEquals(0, sub.exit(), sub.toString());
            assertEquals(root.out(), sub.out(), String.join(" ", command));
        }
    }
}
