package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.Timeouts;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /livez}, {@code /readyz} and {@code /health}: open to all, and what each says in each state. */
class HealthTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static String answer(ServeTest.Served served, String path) throws Exception {
        HttpResponse<String> response = ServeTest.send(served.base(), "GET", path, null);
        return response.statusCode() + " " + response.body().strip();
    }

    @Test
    void live_and_ready_while_serving_then_not_ready_once_draining_while_still_live() throws Exception {
        try (ServeTest.Served served = ServeTest.serve(db.database(),
                HttpApi.Settings.of("127.0.0.1", 0).withTokens("write-secret", "read-secret"))) {
            assertEquals("200 {\"status\":\"up\"}", answer(served, "/livez"), "open without a token");
            assertEquals("200 {\"status\":\"ready\"}", answer(served, "/readyz"));
            assertEquals("200 {\"status\":\"ok\"}", answer(served, "/health"));

            served.api().drain();
            assertEquals("503 {\"error\":\"not ready: shutting down\"}", answer(served, "/readyz"));
            assertEquals("200 {\"status\":\"up\"}", answer(served, "/livez"));
            assertEquals("200 {\"status\":\"ok\"}", answer(served, "/health"), "/health stays as it was");
        }
    }

    @Test
    void not_ready_while_the_database_does_not_answer_yet_live() throws Exception {
        String name = "health_gone_" + ProcessHandle.current().pid();
        try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection();
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
            try (Database gone = Database.connect(TestDatabase.server().getJdbcUrl("postgres", name), null, null,
                    Timeouts.SERVE);
                    ServeTest.Served served = ServeTest.serve(gone, HttpApi.Settings.of("127.0.0.1", 0))) {
                assertEquals("200 {\"status\":\"ready\"}", answer(served, "/readyz"));
                statement.execute("DROP DATABASE " + name + " WITH (FORCE)");
                assertEquals("503 {\"error\":\"not ready: database unavailable\"}", answer(served, "/readyz"));
                assertEquals("200 {\"status\":\"up\"}", answer(served, "/livez"));
            }
        }
    }
}
