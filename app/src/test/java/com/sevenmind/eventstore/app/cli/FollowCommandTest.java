package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.RunningCommand;
import com.sevenmind.eventstore.app.projecting.Changes;
import com.sevenmind.eventstore.store.LiveFeed;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** follow in this JVM, with events appended through another pool, as another process would. */
class FollowCommandTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Cli cli = new Cli(db.jdbcUrl());

    @BeforeEach
    void clear() {
        db.clear();
    }

    /** follow running on a thread of its own; stopped by interrupting it, as Ctrl-C does. */
    private static final class Following extends RunningCommand {
        Following(String... args) {
            super(db.jdbcUrl(), "follow", args);
        }
    }

    private String projectJson() {
        Cli.Result projected = cli.run("project", USER.toString(), "--format", "json");
        assertEquals(0, projected.exit(), projected.toString());
        return projected.out().strip();
    }

    private long eventCount(String json) {
        try {
            return mapper.readTree(json).get("event_count").asLong();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void follow_prints_the_projections_then_again_after_each_commit_and_exits_0_when_interrupted() throws Exception {
        try (Following follow = new Following(USER.toString(), "--format", "json")) {
            assertEquals(projectJson(), follow.awaitLast(line -> eventCount(line) == 0));

            db.store().append(List.of(TestEvents.started(USER, "e-1", "s-1", T),
                    TestEvents.completed(USER, "e-2", "s-1", T.plusSeconds(600))));
            String updated = follow.awaitLast(line -> eventCount(line) == 2);

            assertEquals(projectJson(), updated, "each update is project's JSON line");
            assertEquals(0, follow.stop());
            assertEquals("", follow.err.toString());
            assertEquals(2, follow.lines().size(), "one line at start, one for the one commit: " + follow.out);
        }
    }

    @Test
    void follow_in_text_prints_what_project_prints() throws Exception {
        db.store().append(TestEvents.started(USER, "e-1", T));
        try (Following follow = new Following(USER.toString(), "--projection", "stats")) {
            String expected = cli.run("project", USER.toString(), "--projection", "stats").out();
            follow.awaitLast(line -> follow.out.toString().equals(expected));
            db.store().append(TestEvents.started(USER, "e-2", T));
            String second = cli.run("project", USER.toString(), "--projection", "stats").out();
            follow.awaitLast(line -> follow.out.toString().equals(expected + second));
            assertEquals(0, follow.stop());
        }
    }

    @Test
    void a_burst_of_commits_is_coalesced_and_the_last_one_always_shown() throws Exception {
        try (Following follow = new Following(USER.toString(), "--format", "json", "--projection", "stats")) {
            follow.awaitLast(line -> eventCount(line) == 0);
            for (int i = 0; i < 100; i++) {
                db.store().append(TestEvents.started(USER, "e-" + i, T.plusSeconds(i)));
            }
            follow.awaitLast(line -> eventCount(line) == 100);

            assertEquals(0, follow.stop());
            assertTrue(follow.lines().size() < 50, "100 commits gave " + follow.lines().size() + " updates");
        }
    }

    @Test
    void after_the_listener_connection_is_killed_while_events_are_appended_follow_ends_with_the_right_answer()
            throws Exception {
        // Opened now: it kills the feed's connection also while the database takes no new connections.
        try (Handle sql = db.sql().open();
             Following follow = new Following(USER.toString(), "--format", "json")) {
            String database = sql.createQuery("SELECT current_database()").mapTo(String.class).one();
            follow.awaitLast(line -> eventCount(line) == 0);

            // Appends go on while the listener's connection is killed again and again.
            AtomicBoolean appending = new AtomicBoolean(true);
            Thread appender = new Thread(() -> {
                for (int i = 0; appending.get(); i++) {
                    db.store().append(TestEvents.started(USER, "e-" + i, T.plusSeconds(i)));
                }
            });
            appender.start();
            int killed = 0;
            for (int round = 0; round < 5; round++) {
                Thread.sleep(150);
                killed += killFeed(sql);
            }
            appending.set(false);
            appender.join();
            // Caught up, and past any re-read a notification of those appends still asks for: from here on only
            // the re-read after reconnecting can show more.
            long appended = db.store().count();
            follow.awaitLast(line -> eventCount(line) == appended);
            Thread.sleep(5 * Changes.MIN_INTERVAL_MILLIS);

            // And the last events are committed while the listener cannot reconnect at all: their notification is
            // lost for good, so only the re-read after reconnecting can show them.
            try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection();
                 Statement s = admin.createStatement()) {
                s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
                try {
                    killed += killFeed(sql);
                    List<Event> last = List.of(TestEvents.completed(USER, "last-1", T.minusSeconds(1)),
                            TestEvents.cancelled(USER, "last-2", T.minusSeconds(2)));
                    db.store().append(last);
                    Thread.sleep(500);
                    long shown = eventCount(follow.lines().get(follow.lines().size() - 1));
                    assertTrue(shown < db.store().count(), "not shown yet: " + shown + " of " + db.store().count());
                } finally {
                    s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
                }
            }
            String expected = projectJson();
            assertEquals(expected, follow.awaitLast(expected::equals));

            assertTrue(killed >= 4, "the feed's connection was killed " + killed + " times");
            assertEquals(0, follow.stop());
        }
    }

    /**
     * Terminates the live feed's connection to this test's database through {@code h}, waiting up to 5 s until it is
     * gone; how many were terminated.
     */
    private static int killFeed(Handle h) {
        return h.createQuery("""
                        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
                        WHERE application_name = :name AND datname = current_database()
                        """).bind("name", LiveFeed.APPLICATION_NAME).mapTo(Integer.class).one();
    }

    @Test
    void usage_errors_exit_2_as_project_does() {
        Cli.Result unknown = cli.run("follow", USER.toString(), "--projection", "nope");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().startsWith("unknown projection 'nope'; known: history, stats\n"), unknown.err());

        Cli.Result notUuid = cli.run("follow", "me");
        assertEquals(2, notUuid.exit(), notUuid.toString());
    }
}
