package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Upcaster;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows of a shape older than any this application knows (version 0, from a legacy writer) cannot be read; an
 * upcaster written against events-api alone and dropped on the class path as a jar makes them readable, chained
 * with the built-in version 1 to 2 upcaster.
 */
class DropInUpcasterIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String SOURCE = """
            package team.legacy;

            import com.fasterxml.jackson.databind.node.ObjectNode;
            import com.sevenmind.eventstore.api.Upcaster;

            /** The legacy writer's names: session, tz, lang, uri. */
            public final class LegacyStartedUpcaster implements Upcaster {
                public String eventType() { return "ContentPieceStarted"; }
                public int fromVersion() { return 0; }
                public ObjectNode upcast(ObjectNode p) {
                    ObjectNode v1 = p.objectNode();
                    v1.set("session_id", p.get("session"));
                    v1.set("timezone", p.get("tz"));
                    v1.set("locale", p.get("lang"));
                    v1.set("object_uri", p.get("uri"));
                    return v1;
                }
            }
            """;

    private static final String USER = "88888888-8888-4888-8888-888888888888";

    @TempDir
    Path dir;

    private final ObjectMapper mapper = Json.newObjectMapper();

    @Test
    void an_upcaster_jar_on_the_class_path_makes_rows_of_an_unknown_old_version_readable() throws Exception {
        db.sql().useHandle(h -> h.execute("""
                INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
                VALUES (?::uuid, 'legacy-1', 'ContentPieceStarted', 0, '2023-01-01T08:00:00Z',
                        '{"session": "s-1", "tz": "Europe/Berlin", "lang": "de", "uri": "sevenmind://content/single/a/recording/b"}')
                """, USER));

        Cli.Result without = JarRunner.run(JarRunner.JAR.toString(), "--db-url", db.jdbcUrl(), "project", USER);
        assertEquals(1, without.exit(), without.toString());
        assertEquals("eventstore: stored event legacy-1 of user " + USER + " cannot be read: no upcaster reads "
                + "ContentPieceStarted schema version 0 (the current version is 2); put a jar with one on the class "
                + "path\n", without.err());

        Path jar = PluginJar.build(dir, "team.legacy.LegacyStartedUpcaster", SOURCE, Upcaster.class);
        Cli.Result with = JarRunner.run(JarRunner.JAR + File.pathSeparator + jar, "--db-url", db.jdbcUrl(),
                "project", USER, "--format", "json");

        assertEquals(0, with.exit(), with.toString());
        JsonNode projections = mapper.readTree(with.out()).get("projections");
        assertEquals(1, projections.get("stats").get("started_count").asInt());
        JsonNode session = projections.get("history").get("sessions").get(0);
        assertEquals("s-1", session.get("session_id").asText());
        assertEquals("single", session.get("content_kind").asText());
        assertEquals("2023-01-01T08:00:00Z", session.get("started_at").asText());
    }
}
