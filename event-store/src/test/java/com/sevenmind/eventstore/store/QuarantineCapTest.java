package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.store.Quarantine.Dropped;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import java.util.ArrayList;
import java.util.List;
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
