package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.store.Quarantine.Dropped;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QuarantineCapTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private Quarantine quarantine;

    @BeforeEach
    void setUp() {
        db.clear();
        db.database().jdbi().useHandle(h -> h.execute("TRUNCATE quarantine_dropped"));
        quarantine = db.database().quarantine().capped(1_000);
    }

    private static Rejection input(String source, long line, int bytes) {
        // "é" is two bytes in UTF-8: the cap counts bytes, not characters.
        return Rejection.of(source, line, "native", "é".repeat(bytes / 2), "not valid JSON");
    }

    private List<Rejection> kept() {
        List<Rejection> kept = new ArrayList<>();
        quarantine.list(null, kept::add);
        return kept;
    }

    @Test
    void past_its_cap_a_source_keeps_nothing_more_and_counts_what_it_dropped() {
        Rejection third = input("a.jsonl", 3, 400);
        Rejection fourth = input("a.jsonl", 4, 300);

        assertEquals(List.of(), quarantine.add(List.of(input("a.jsonl", 1, 400), input("a.jsonl", 2, 400))));
        assertEquals(List.of(third, fourth), quarantine.add(List.of(third, fourth, input("a.jsonl", 5, 200))));
        // Another source has a cap of its own.
        assertEquals(List.of(), quarantine.add(List.of(input("b.jsonl", 1, 800))));

        assertEquals(List.of(1L, 2L, 5L, 1L), kept().stream().map(Rejection::line).toList());
        List<Dropped> drops = quarantine.drops();
        assertEquals(1, drops.size());
        assertEquals("a.jsonl", drops.get(0).source());
        assertEquals(2, drops.get(0).inputs());
        assertEquals(700, drops.get(0).bytes());
    }

    @Test
    void adds_at_once_never_fill_a_source_past_its_cap_together() throws Exception {
        int adds = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Rejection>>> results = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(adds);
        try {
            for (int i = 1; i <= adds; i++) {
                List<Rejection> two = List.of(input("a.jsonl", i * 2L, 200), input("a.jsonl", i * 2L + 1, 200));
                results.add(threads.submit(() -> {
                    start.await();
                    return quarantine.add(two);
                }));
            }
            start.countDown();
            long dropped = 0;
            for (Future<List<Rejection>> result : results) {
                dropped += result.get(1, TimeUnit.MINUTES).size();
            }
            // Two adds of 400 bytes fit under the 1,000 of the cap, and a half of a third: its first input.
            assertEquals(5, kept().size());
            assertEquals(2 * adds - 5, dropped);
            assertEquals(2L * adds - 5, quarantine.drops().get(0).inputs());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void a_batch_of_many_inputs_is_kept_whole_and_its_bytes_counted() {
        List<Rejection> many = new ArrayList<>();
        for (int i = 1; i <= 20_000; i++) {
            many.add(Rejection.of("a.jsonl", (long) i, "native", "{\"n\":" + i + "}", "field event_type is missing"));
        }
        // The same input twice in one batch is kept once.
        many.add(many.get(0));

        assertEquals(List.of(), db.database().quarantine().add(many));

        assertEquals(20_000, db.database().quarantine().count());
        assertEquals(List.of(), db.database().jdbi().withHandle(h -> h.createQuery("""
                        SELECT k.source FROM quarantine_kept k
                        WHERE k.bytes <> (SELECT sum(octet_length(input)) FROM rejected_events r
                                          WHERE r.source = k.source)""").mapTo(String.class).list()));
        List<Rejection> kept = kept();
        assertEquals(List.of(1L, 2L, 20_000L), Stream.of(0, 1, 19_999).map(i -> kept.get(i).line()).toList());
    }

    @Test
    void inputs_leaving_the_quarantine_make_room_again() {
        quarantine.add(List.of(input("a.jsonl", 1, 600)));
        assertEquals(1, quarantine.add(List.of(input("a.jsonl", 2, 600))).size());

        quarantine.resolve(kept().get(0).id());

        assertEquals(List.of(), quarantine.add(List.of(input("a.jsonl", 2, 600))));
        db.clear();
        assertEquals(List.of(), quarantine.add(List.of(input("a.jsonl", 3, 1_000))));
    }

    @Test
    void drops_counted_elsewhere_add_up() {
        quarantine.dropped("http POST /events", 1, 10);
        quarantine.dropped("http POST /events", 2, 20);
        Dropped d = quarantine.drops().get(0);
        assertEquals(List.of("http POST /events", 3L, 30L), List.of(d.source(), d.inputs(), d.bytes()));
    }
}
