package com.sevenmind.eventstore.app;

import static com.sevenmind.eventstore.store.Latches.await;
import static com.sevenmind.eventstore.store.TestEvents.completed;
import static com.sevenmind.eventstore.store.TestEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.history.HistoryProjection;
import com.sevenmind.eventstore.stats.StatsProjection;
import com.sevenmind.eventstore.store.Projector;
import com.sevenmind.eventstore.store.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two reads of one user through one projector that holds the user's states in memory, an append between them, and
 * the first answer written only after the second read folded the new event: the first answer is still the answer at
 * its own position, whole.
 */
class TornViewTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
    private static final List<Projection<?>> PROJECTIONS = List.of(new StatsProjection(), new HistoryProjection());
    private final ObjectMapper mapper = Json.newObjectMapper();
    private final UUID user = UUID.randomUUID();

    @Test
    void an_answer_written_after_a_second_read_folded_on_is_the_answer_at_its_own_position() throws Exception {
        Projector projector = new Projector(db.store(), db.database().snapshots(mapper), Projector.SAVE_AFTER,
                Projector.HELD_USERS);
        Projector uncached = Projector.uncached(db.store());
        db.store().append(List.of(started(user, "a", "s1", T), started(user, "b", "s2", T.plusSeconds(60))));
        JsonNode atFirst = uncached.project(user, PROJECTIONS, null, r -> json(r.views()));
        projector.project(user, PROJECTIONS, null, r -> json(r.views())); // the states are held in memory now

        CountDownLatch firstTaken = new CountDownLatch(1);
        CountDownLatch secondFolded = new CountDownLatch(1);
        CompletableFuture<JsonNode> first = CompletableFuture.supplyAsync(
                () -> projector.project(user, PROJECTIONS, null, r -> {
                    firstTaken.countDown();
                    await(secondFolded);
                    return json(r.views());
                }));
        await(firstTaken);
        db.store().append(completed(user, "c", "s1", T.plusSeconds(600)));
        JsonNode second = projector.project(user, PROJECTIONS, null, r -> {
            secondFolded.countDown();
            return json(r.views());
        });
        JsonNode written = first.get(30, TimeUnit.SECONDS);

        ConsistentHistory.check(written.get("history"));
        assertEquals(atFirst, written);
        ConsistentHistory.check(second.get("history"));
        assertEquals(uncached.project(user, PROJECTIONS, null, r -> json(r.views())), second);
    }

    private JsonNode json(Object views) {
        return mapper.valueToTree(views);
    }
}
