package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.testkit.ProjectionContract;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A projection written against events-api alone, compiled and jarred here as a team would in its own repository,
 * is found and run by the unchanged application jar once it is on the class path, and passes the projection test
 * kit as the team's own test would run it.
 */
class DropInProjectionIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String SOURCE = """
            package team.example;

            import com.sevenmind.eventstore.api.ContentPieceEvent;
            import com.sevenmind.eventstore.api.Projection;
            import com.sevenmind.eventstore.api.RecordedEvent;
            import java.util.Map;

            public final class SessionCountProjection implements Projection<java.util.Set<String>> {
                public String name() { return "sessions"; }
                public java.util.Set<String> initialState() { return new java.util.HashSet<>(); }
                public java.util.Set<String> apply(java.util.Set<String> s, RecordedEvent e) {
                    if (e.event() instanceof ContentPieceEvent c) {
                        s.add(c.sessionId());
                    }
                    return s;
                }
                public Object view(java.util.Set<String> s) { return Map.of("session_count", s.size()); }
            }
            """;

    /** A global projection: the events stored, over all users. Its state is a JDK type: one class in the jar. */
    private static final String GLOBAL_SOURCE = """
            package team.example;

            import com.sevenmind.eventstore.api.GlobalProjection;
            import com.sevenmind.eventstore.api.RecordedEvent;
            import java.util.Map;

            public final class EventTotal implements GlobalProjection<long[]> {
                public String name() { return "event_total"; }
                public long[] initialState() { return new long[1]; }
                public long[] apply(long[] s, RecordedEvent e) { s[0]++; return s; }
                public Object view(long[] s) { return Map.of("events", s[0]); }
                public Class<long[]> stateType() { return long[].class; }
            }
            """;

    @TempDir
    Path dir;

    private final ObjectMapper mapper = Json.newObjectMapper();

    @Test
    void a_projection_jar_on_the_class_path_is_listed_and_projected_without_changing_the_app() throws Exception {
        Path jar = PluginJar.build(dir, "team.example.SessionCountProjection", SOURCE, Projection.class);
        String classpath = JarRunner.JAR + File.pathSeparator + jar;

        Cli.Result listed = JarRunner.run(classpath, "projections", "--format", "json");
        assertEquals(0, listed.exit(), listed.toString());
        JsonNode projections = mapper.readTree(listed.out());
        JsonNode sessions = null;
        for (JsonNode p : projections) {
            if (p.get("name").asText().equals("sessions")) {
                sessions = p;
            }
        }
        assertTrue(sessions != null, listed.out());
        assertEquals("team.example.SessionCountProjection", sessions.get("class").asText());
        assertEquals(jar.toString(), sessions.get("jar").asText());

        String user = "33333333-3333-4333-8333-333333333333";
        Path events = dir.resolve("events.jsonl");
        Files.write(events, List.of(line(user, "1", "a"), line(user, "2", "a"), line(user, "3", "b")));
        Cli.Result imported = JarRunner.run(classpath, "--db-url", db.jdbcUrl(), "import", events.toString());
        assertEquals(0, imported.exit(), imported.toString());

        Cli.Result projected = JarRunner.run(classpath, "--db-url", db.jdbcUrl(), "project", user,
                "--projection", "sessions", "--projection", "stats", "--format", "json");
        assertEquals(0, projected.exit(), projected.toString());
        JsonNode result = mapper.readTree(projected.out());
        assertEquals(2, result.get("projections").get("sessions").get("session_count").asInt());
        assertEquals(3, result.get("projections").get("stats").get("total").asInt());
    }

    @Test
    void a_global_projection_jar_on_the_class_path_is_folded_over_every_user() throws Exception {
        Path jar = PluginJar.build(dir, "team.example.EventTotal", GLOBAL_SOURCE, GlobalProjection.class);
        String classpath = JarRunner.JAR + File.pathSeparator + jar;
        Path events = dir.resolve("events.jsonl");
        Files.write(events, List.of(line("33333333-3333-4333-8333-333333333331", "1", "a"),
                line("33333333-3333-4333-8333-333333333332", "2", "a")));
        Cli.Result imported = JarRunner.run(classpath, "--db-url", db.jdbcUrl(), "import", events.toString());
        assertEquals(0, imported.exit(), imported.toString());

        Cli.Result global = JarRunner.run(classpath, "--db-url", db.jdbcUrl(), "global", "event_total", "--format",
                "json");
        assertEquals(0, global.exit(), global.toString());
        JsonNode line = mapper.readTree(global.out());
        assertEquals("event_total", line.get("projection").asText());
        assertEquals(db.store().count(), line.get("view").get("events").asLong(), "every stored event, once");
    }

    @Test
    void the_projection_jar_keeps_the_projection_contract() throws Exception {
        Path jar = PluginJar.build(dir, "team.example.SessionCountProjection", SOURCE, Projection.class);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                Projection.class.getClassLoader())) {
            Projection<?> projection = (Projection<?>) loader.loadClass("team.example.SessionCountProjection")
                    .getConstructor().newInstance();

            ProjectionContract.verify(projection);
        }
    }

    private static String line(String user, String uniqueId, String session) {
        return "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"" + uniqueId + "\",\"user_id\":\"" + user
                + "\",\"session_id\":\"" + session + "\",\"timestamp\":\"2024-05-01T10:00:0" + uniqueId + "Z\","
                + "\"timezone\":\"Europe/Berlin\",\"locale\":\"de-DE\",\"object_uri\":\"sevenmind://content/x\"}";
    }
}
