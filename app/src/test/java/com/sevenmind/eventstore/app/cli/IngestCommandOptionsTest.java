package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.app.http.IngestOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class IngestCommandOptionsTest {

    /** A command that takes the options as serve does, and keeps what they give. */
    @Command(name = "host")
    static final class Host implements Runnable {
        @Mixin
        IngestCommandOptions ways;
        IngestOptions options;

        @Override
        public void run() {
            options = ways.options();
        }
    }

    /** The exit code, stderr's first line, and the options given. */
    private static String run(String... args) {
        Host host = new Host();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(host).setErr(new PrintWriter(err)).execute(args);
        return exit + " " + err.toString().lines().findFirst().orElse("") + " " + host.options;
    }

    @Test
    void by_default_quarantined_inputs_are_acknowledged_and_v1_has_no_write_key() {
        assertEquals("0  IngestOptions[rudderStackWriteKey=null, nackRejected=false]", run());
    }

    @Test
    void the_options_set_the_write_key_and_refusing_quarantined_inputs() {
        assertEquals("0  IngestOptions[rudderStackWriteKey=k3y, nackRejected=true]",
                run("--rudderstack-write-key", "k3y", "--nack-rejected"));
        assertEquals("0  IngestOptions[rudderStackWriteKey=null, nackRejected=false]",
                run("--nack-rejected=false"));
    }

    @Test
    void a_blank_write_key_is_a_usage_error() {
        assertEquals("2 --rudderstack-write-key must not be blank null", run("--rudderstack-write-key", " "));
    }
}
