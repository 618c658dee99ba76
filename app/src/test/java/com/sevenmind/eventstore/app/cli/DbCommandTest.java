package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.store.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** db status, db migrate and --no-migrate, each on a schema of its own that the store has not seen yet. */
class DbCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** The store's migrations today, in order. */
    private static final List<String> VERSIONS = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
            "13");

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Cli cli = new Cli(db.jdbcUrl());

    private Cli.Result run(String schema, String... args) {
        List<String> all = new ArrayList<>(List.of("--db-schema", schema));
        all.addAll(List.of(args));
        return cli.run(all.toArray(String[]::new));
    }

    private JsonNode json(Cli.Result result) throws Exception {
        assertEquals(0, result.exit(), result.toString());
        return mapper.readTree(result.out());
    }

    private static List<String> versions(JsonNode migrations) {
        List<String> versions = new ArrayList<>();
        migrations.forEach(m -> versions.add(m.get("version").asText()));
        return versions;
    }

    private static boolean schemaExists(String schema) {
        return db.sql().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM pg_namespace WHERE nspname = :s").bind("s", schema).mapTo(Long.class).one()) > 0;
    }

    @Test
    void status_of_a_fresh_database_lists_every_migration_pending_and_changes_nothing() throws Exception {
        JsonNode status = json(run("fresh_status", "db", "status", "--format", "json"));
        JsonNode again = json(run("fresh_status", "db", "status", "--format", "json"));

        assertEquals("fresh_status", status.get("schema").asText());
        assertTrue(status.get("schema_version").isNull(), status.toString());
        assertEquals(0, status.get("applied").size(), status.toString());
        assertEquals(VERSIONS, versions(status.get("pending")));
        JsonNode first = status.get("pending").get(0);
        assertEquals("events", first.get("description").asText());
        assertEquals("Pending", first.get("state").asText());
        assertTrue(first.get("installed_on").isNull(), first.toString());
        assertEquals(0, status.get("tables").size(), status.toString());
        assertEquals(status, again, "status migrated nothing");
        assertFalse(schemaExists("fresh_status"), "status made no schema");

        String text = run("fresh_status", "db", "status").out();
        assertTrue(text.startsWith("schema fresh_status at version none: 0 applied, 13 pending (run db migrate)"), text);
        assertTrue(Pattern.compile("(?m)^10 +quarantine batched +- +Pending$").matcher(text).find(), text);
    }

    @Test
    void migrate_applies_the_pending_migrations_once_and_status_then_shows_them_and_the_tables() throws Exception {
        JsonNode migrated = json(run("fresh_migrate", "db", "migrate", "--format", "json"));
        String again = run("fresh_migrate", "db", "migrate").out();
        JsonNode status = json(run("fresh_migrate", "db", "status", "--format", "json"));

        assertTrue(migrated.get("before").isNull(), migrated.toString());
        assertEquals("13", migrated.get("after").asText());
        assertEquals(VERSIONS, versions(migrated.get("applied")));
        assertEquals("events", migrated.get("applied").get(0).get("description").asText());
        assertEquals("schema fresh_migrate is up to date at version 13\n", again);

        assertEquals("13", status.get("schema_version").asText());
        assertEquals(VERSIONS, versions(status.get("applied")));
        assertEquals(0, status.get("pending").size());
        JsonNode v1 = status.get("applied").get(0);
        assertEquals("Success", v1.get("state").asText());
        assertTrue(v1.get("installed_on").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), v1.toString());
        assertFalse(status.get("citus").asBoolean());
        JsonNode events = null;
        for (JsonNode t : status.get("tables")) {
            if (t.get("name").asText().equals("events")) {
                events = t;
            }
        }
        assertTrue(events != null && events.get("bytes").asLong() > 0, status.toString());
        assertEquals(0, events.get("rows_estimate").asLong(), events.toString());
        assertTrue(events.get("distribution").isNull(), events.toString());

        String text = run("fresh_migrate", "db", "status").out();
        assertTrue(text.startsWith("schema fresh_migrate at version 13: 13 applied, 0 pending\n"), text);
        assertTrue(Pattern.compile("(?m)^1 +events +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +Success$")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^events +0 +[\\d,]+$").matcher(text).find(), text);
    }

    @Test
    void migrate_names_the_database_when_it_cannot_migrate() {
        Cli.Result result = new Cli("jdbc:postgresql://localhost:1/nowhere?connectTimeout=2")
                .run("db", "migrate");

        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.err().startsWith("eventstore: cannot connect to PostgreSQL at jdbc:postgresql://localhost:1/"),
                result.err());
        assertEquals(1, result.err().lines().count(), result.err());
    }

    @Test
    void no_migrate_with_pending_migrations_fails_naming_them_and_the_command_then_works_once_migrated() {
        Cli.Result refused = run("fresh_nomigrate", "--no-migrate", "users", "--top", "1");
        Cli.Result serve = run("fresh_nomigrate", "--no-migrate", "serve", "--port", "0");

        assertEquals(1, refused.exit(), refused.toString());
        String expected = "eventstore: the schema fresh_nomigrate of " + db.jdbcUrl() + " is not up to date: "
                + "migrations 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 pending; with --no-migrate the store does not migrate: run "
                + "'eventstore db migrate' as a user who may change the schema\n";
        assertEquals(expected, refused.err());
        assertEquals(1, serve.exit(), serve.toString());
        assertEquals(expected, serve.err());
        assertFalse(schemaExists("fresh_nomigrate"), "--no-migrate made no schema");

        assertEquals(0, run("fresh_nomigrate", "db", "migrate").exit());
        Cli.Result works = run("fresh_nomigrate", "--no-migrate", "users", "--top", "1");
        assertEquals(0, works.exit(), works.toString());
        assertEquals("", works.err());
    }
}
