package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.cli.GenerateCommand;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.ProjectionPass;
import com.sevenmind.eventstore.generator.Chaos;
import com.sevenmind.eventstore.generator.Generator;
import com.sevenmind.eventstore.generator.GeneratorSettings;
import com.sevenmind.eventstore.history.History;
import com.sevenmind.eventstore.history.History.SessionRow;
import com.sevenmind.eventstore.history.HistoryProjection;
import com.sevenmind.eventstore.stats.Stats;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stats and History, computed together from one read, agree with each other and with the stream on scrambled data. */
class ProjectionConsistencyTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void stats_and_history_of_scrambled_streams_agree() {
        EventStore store = db.store();
        GeneratorSettings settings = new GeneratorSettings(6, 2, 30_000, 5, GeneratorSettings.defaults().periodStart(),
                GeneratorSettings.defaults().period(), new Chaos(0.05, 0.03, 0.05, 0.02, 0.03));
        Generator generator = new Generator(settings);
        GenerateCommand.generate(store, db.database().quarantine(), new EventCodec(Json.newObjectMapper()),
                settings, 1_000, EventCodec.CURRENT_SCHEMA_VERSION,
                new PrintWriter(new StringWriter()));

        for (UUID user : generator.users()) {
            Set<String> sessionIds = new HashSet<>();
            ProjectionPass pass = new ProjectionPass(List.of(new StatsProjection(), new HistoryProjection()));
            store.stream(user, e -> {
                sessionIds.add(((ContentPieceEvent) e.event()).sessionId());
                pass.accept(e);
            });
            Stats stats = (Stats) pass.views().get("stats");
            History history = (History) pass.views().get("history");
            List<SessionRow> sessions = history.sessions();

            assertEquals(pass.eventCount(), stats.total());
            assertEquals(sessionIds.size(), sessions.size(), "a session per distinct session_id");
            assertEquals(sessions.size(), history.content().stream().mapToLong(History.ContentRow::sessions).sum());
            long started = sessions.stream().filter(s -> s.startedAt() != null).count();
            long missingStart = sessions.stream().filter(s -> s.anomalies().contains("missing_start")).count();
            assertEquals(sessions.size(), started + missingStart);
            // The generator never starts a session twice, so every Started event is a session's start.
            assertEquals(stats.startedCount(), started);
            // It adds at most one second end, so the terminal events beyond one per ended session are the
            // sessions that say multiple_ends.
            long ended = sessions.stream().filter(s -> s.endedAt() != null).count();
            long multipleEnds = sessions.stream().filter(s -> s.anomalies().contains("multiple_ends")).count();
            assertTrue(multipleEnds > 0);
            assertEquals(stats.completedCount() + stats.cancelledCount() - ended, multipleEnds);
            assertEquals(sessions.stream().filter(s -> s.outcome().equals("completed")).count(),
                    history.content().stream().mapToLong(History.ContentRow::completed).sum());
        }
    }
}
