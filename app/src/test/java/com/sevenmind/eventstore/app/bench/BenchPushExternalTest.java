package com.sevenmind.eventstore.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What bench --push-external hands pgbench, and its usage; its figures are measured by running it. */
class BenchPushExternalTest {

    @Test
    void pgbench_gets_the_jdbc_url_as_libpq_reads_it_without_the_driver_only_parameters() {
        assertEquals("postgresql://localhost:5432/postgres?user=postgres",
                BenchPushExternal.libpqUri("jdbc:postgresql://localhost:5432/postgres?user=postgres"));
        assertEquals("postgresql://db:6432/app?sslmode=require&password=p",
                BenchPushExternal.libpqUri("jdbc:postgresql://db:6432/app?sslmode=require&prepareThreshold=0"
                        + "&password=p&ApplicationName=x"));
        assertEquals("postgresql://db/app", BenchPushExternal.libpqUri("jdbc:postgresql://db/app?tcpKeepAlive=true"));
    }

    @Test
    void a_profile_of_serve_without_the_external_pushes_is_a_usage_error() {
        StringWriter err = new StringWriter();
        int exit = Main.execute(new String[] {"bench", "--serve-jfr", "push.jfr"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(2, exit, err.toString());
        assertTrue(err.toString().contains("--serve-jfr needs --push-external"), err.toString());
    }
}
