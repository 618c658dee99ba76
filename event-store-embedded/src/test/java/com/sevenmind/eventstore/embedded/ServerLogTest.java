package com.sevenmind.eventstore.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogTest {

    @Test
    void the_cause_is_the_last_fatal_or_panic_line_and_not_an_answer_to_an_early_client(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("postgres.log");
        Files.writeString(log, """
                waiting for server to start....2026-11-30 20:01:02.345 UTC [4711] LOG:  starting PostgreSQL 17.6
                2026-11-30 20:01:02.400 UTC [4711] LOG:  database system was interrupted; last known up at 2026-11-30
                2026-11-30 20:01:02.500 UTC [4712] FATAL:  the database system is starting up
                2026-11-30 20:01:02.611 UTC [4711] PANIC:  could not write to file "pg_wal/xlogtemp.4711": No space left on device
                2026-11-30 20:01:02.700 UTC [4713] FATAL:  the database system is not yet accepting connections
                2026-11-30 20:01:02.800 UTC [4711] LOG:  startup process (PID 4714) was terminated by signal 6: Aborted
                 stopped waiting
                pg_ctl: could not start server
                """);
        assertEquals(Optional.of("PANIC: could not write to file \"pg_wal/xlogtemp.4711\": No space left on device"),
                ServerLog.lastFailure(log));
    }

    @Test
    void no_log_or_no_failure_gives_nothing(@TempDir Path dir) throws Exception {
        assertEquals(Optional.empty(), ServerLog.lastFailure(dir.resolve("missing.log")));
        Path log = Files.writeString(dir.resolve("postgres.log"), "LOG:  database system is ready\n");
        assertEquals(Optional.empty(), ServerLog.lastFailure(log));
    }
}
