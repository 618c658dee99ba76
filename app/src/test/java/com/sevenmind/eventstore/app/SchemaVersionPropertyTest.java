package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.history.HistoryProjection;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.AppendOptions;
import com.sevenmind.eventstore.store.PayloadMigration;
import com.sevenmind.eventstore.store.ProjectionPass;
import com.sevenmind.eventstore.store.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Stored partly as schema version 1 (as rows written before version 2 existed) and partly as version 2, the
 * events project exactly as when all are stored as version 2; and again after migrate-events rewrote the old rows.
 */
class SchemaVersionPropertyTest {

    private static final List<UUID> USERS = List.of(
            UUID.fromString("00000000-0000-4000-8000-000000000003"),
            UUID.fromString("00000000-0000-4000-8000-000000000004"));
    private static final List<Projection<?>> PROJECTIONS = List.of(new StatsProjection(), new HistoryProjection());
    private static TestDatabase db;

    @BeforeContainer
    static void openDatabase() {
        db = new TestDatabase().open("schema_versions");
    }

    @AfterContainer
    static void closeDatabase() {
        db.close();
    }

    @Property(tries = 100)
    void mixed_versions_project_as_all_current_before_and_after_migration(
            @ForAll("events") List<Event> events, @ForAll long splitSeed) {
        db.clear();
        db.store().append(events);
        Map<UUID, Map<String, Object>> allCurrent = projectAll();

        db.clear();
        Random random = new Random(splitSeed);
        List<Event> asVersion1 = new ArrayList<>();
        List<Event> asVersion2 = new ArrayList<>();
        events.forEach(e -> (random.nextBoolean() ? asVersion1 : asVersion2).add(e));
        db.store().append(asVersion1, AppendOptions.DEFAULTS.withSchemaVersion(1));
        db.store().append(asVersion2);

        assertEquals(allCurrent, projectAll(), "mixed versions, upcast while read");

        PayloadMigration migration = db.database().payloadMigration(new EventCodec(Json.newObjectMapper()));
        assertEquals(asVersion1.size(), migration.run(7, Long.MAX_VALUE, false, n -> { }).converted());
        assertEquals(allCurrent, projectAll(), "after migrate-events");
    }

    private static Map<UUID, Map<String, Object>> projectAll() {
        Map<UUID, Map<String, Object>> views = new HashMap<>();
        for (UUID user : USERS) {
            ProjectionPass pass = new ProjectionPass(PROJECTIONS);
            db.store().stream(user, pass);
            views.put(user, pass.views());
        }
        return views;
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return ScrambledEvents.events(USERS);
    }
}
