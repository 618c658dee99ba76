package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.store.FeedSchedule.End;
import com.sevenmind.eventstore.store.FeedSchedule.Page;
import com.sevenmind.eventstore.store.FeedSchedule.Read;
import com.sevenmind.eventstore.store.FeedSchedule.Source;
import com.sevenmind.eventstore.store.FeedSchedule.Step;
import com.sevenmind.eventstore.store.FeedSchedule.Txn;
import com.sevenmind.eventstore.store.FeedSchedule.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The global feed never skips: writers commit, roll back and hold transactions open in any order, a reader with
 * random batch sizes crashes and restarts from its stored position, and it is given every committed row exactly
 * once. The same schedules make a plain {@code id > checkpoint} reader skip rows (the negative control).
 *
 * <p>The build runs it twice: on the embedded server, and on a Citus cluster (the {@code citus} execution), where the
 * writers' rows go through the coordinator to both workers and a commit is two-phase. A worker's held {@code COMMIT
 * PREPARED} is {@link FeedCitusTest}'s case.
 */
class FeedNoSkipPropertyTest {

    private static TestDatabase db;

    @BeforeContainer
    static void openDatabase() {
        db = new TestDatabase().open("feed_no_skip");
    }

    @AfterContainer
    static void closeDatabase() {
        db.close();
    }

    @Property(tries = 15)
    void the_feed_delivers_every_committed_row_once_whatever_the_interleaving(
            @ForAll("transactions") List<Txn> txns, @ForAll long seed) throws Exception {
        db.clear();
        new FeedSchedule(db.jdbcUrl(), txns, 13, () -> feed(db), FeedPosition.START.toString())
                .run(interleave(txns, new Random(seed)));
    }

    /** T1 writes, T2 writes and commits, the reader reads, T1 commits: T1's lower ids commit after T2's are read. */
    private static final List<Txn> T1_UNDER_T2 = List.of(new Txn(0, true, 5, true), new Txn(1, false, 3, true));
    private static final List<Step> T1_UNDER_T2_STEPS =
            List.of(new Write(0), new Write(1), new End(1), new Read(100, false), new End(0));

    @Example
    void a_transaction_committing_after_a_later_one_was_read_is_still_delivered() throws Exception {
        db.clear();
        new FeedSchedule(db.jdbcUrl(), T1_UNDER_T2, 2, () -> feed(db), FeedPosition.START.toString())
                .run(T1_UNDER_T2_STEPS);
    }

    @Example
    void negative_control_an_id_checkpoint_skips_that_transaction() {
        db.clear();
        AssertionError failure = assertThrows(AssertionError.class, () -> new FeedSchedule(db.jdbcUrl(),
                T1_UNDER_T2, 2, FeedNoSkipPropertyTest::byId, "0").run(T1_UNDER_T2_STEPS));
        assertTrue(failure.getMessage().startsWith("skipped 5 committed rows"), failure.getMessage());
    }

    @Provide
    Arbitrary<List<Txn>> transactions() {
        Arbitrary<Txn> txn = Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 500), Arbitraries.integers().between(0, 3).map(r -> r > 0))
                .as(Txn::new);
        // At least two writers: the first two transactions are the first of writers 0 and 1.
        return txn.list().ofMinSize(2).ofMaxSize(14).map(list -> {
            List<Txn> txns = new ArrayList<>(list);
            txns.set(0, new Txn(0, txns.get(0).copy(), txns.get(0).rows(), txns.get(0).commit()));
            txns.set(1, new Txn(1, txns.get(1).copy(), txns.get(1).rows(), txns.get(1).commit()));
            return txns;
        });
    }

    /**
     * The steps of the transactions in a random order that keeps each writer's own order (a writer ends a transaction
     * before it writes its next), with reads of 1 to 600 rows between, a third of them crashing the reader after.
     */
    static List<Step> interleave(List<Txn> txns, Random random) {
        List<List<Step>> perWriter = new ArrayList<>();
        for (int t = 0; t < txns.size(); t++) {
            while (perWriter.size() <= txns.get(t).writer()) {
                perWriter.add(new ArrayList<>());
            }
            perWriter.get(txns.get(t).writer()).addAll(List.of(new Write(t), new End(t)));
        }
        perWriter.removeIf(List::isEmpty);
        List<Step> steps = new ArrayList<>();
        while (!perWriter.isEmpty()) {
            if (random.nextInt(3) == 0) {
                steps.add(new Read(1 + random.nextInt(600), random.nextInt(3) == 0));
            }
            List<Step> writer = perWriter.get(random.nextInt(perWriter.size()));
            steps.add(writer.remove(0));
            if (writer.isEmpty()) {
                perWriter.remove(writer);
            }
        }
        return steps;
    }

    /** The feed of {@code db}: a new one on every (re)start, resuming from the stored text. */
    static Source feed(TestDatabase db) {
        Feed feed = db.database().feed();
        return new Source() {
            @Override
            public Page read(String after, int limit) {
                Feed.Batch batch = feed.read(FeedPosition.parse(after), Math.min(limit, Feed.MAX_LIMIT));
                List<String> keys = new ArrayList<>();
                List<String> positions = new ArrayList<>();
                for (FeedEntry entry : batch.entries()) {
                    FeedEntry.Stored e = (FeedEntry.Stored) entry;
                    keys.add(e.user() + "/" + e.uniqueId());
                    positions.add(e.position().toString());
                }
                return new Page(keys, positions);
            }

            @Override
            public int compare(String a, String b) {
                return FeedPosition.parse(a).compareTo(FeedPosition.parse(b));
            }
        };
    }

    /** The reader the feed replaces: rows after the highest id read, by id. */
    private static Source byId() {
        return new Source() {
            @Override
            public Page read(String after, int limit) {
                List<String> keys = new ArrayList<>();
                List<String> positions = new ArrayList<>();
                db.database().jdbi().useHandle(h -> h.createQuery(
                                "SELECT id, user_uuid || '/' || unique_id FROM events WHERE id > :after ORDER BY id LIMIT :n")
                        .bind("after", Long.parseLong(after)).bind("n", limit)
                        .map((rs, ctx) -> positions.add(rs.getString(1)) && keys.add(rs.getString(2)))
                        .list());
                return new Page(keys, positions);
            }

            @Override
            public int compare(String a, String b) {
                return Long.compare(Long.parseLong(a), Long.parseLong(b));
            }
        };
    }
}
