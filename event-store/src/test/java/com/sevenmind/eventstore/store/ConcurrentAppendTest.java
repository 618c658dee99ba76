package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConcurrentAppendTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void four_threads_appending_overlapping_batches_store_each_unique_id_once_and_count_the_rest_as_duplicates()
            throws Exception {
        EventStore store = db.store();
        // Enough users that on a Citus cluster the batches span shards on both workers, not just one.
        List<UUID> users = Stream.generate(UUID::randomUUID).limit(12).toList();
        Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
        List<Event> distinct = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            distinct.add(TestEvents.started(users.get(i % users.size()), "m" + i, t0.plusSeconds(i)));
        }
        int threads = 4;
        int rounds = 20;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<AppendResult>> results = new ArrayList<>();
        long sent = 0;
        for (int t = 0; t < threads; t++) {
            // Each thread sends every event once, in its own order, in batches of 150: all batches overlap.
            List<Event> mine = new ArrayList<>(distinct);
            Collections.shuffle(mine, new Random(t));
            sent += mine.size();
            results.add(pool.submit((Callable<AppendResult>) () -> {
                AppendResult total = AppendResult.NONE;
                int batch = mine.size() / rounds;
                for (int r = 0; r < rounds; r++) {
                    barrier.await(1, TimeUnit.MINUTES); // a stuck appender fails the test, never hangs it
                    total = total.plus(store.append(mine.subList(r * batch, (r + 1) * batch)));
                }
                return total;
            }));
        }
        AppendResult total = AppendResult.NONE;
        for (Future<AppendResult> f : results) {
            total = total.plus(f.get(2, TimeUnit.MINUTES));
        }
        pool.shutdown();

        assertEquals(distinct.size(), total.stored(), "each distinct event stored by exactly one thread");
        assertEquals(sent - distinct.size(), total.duplicates());
        assertEquals(distinct.size(), store.count());
        Set<String> ids = new HashSet<>();
        for (UUID user : users) {
            store.stream(user, e -> ids.add(e.uniqueId()));
        }
        assertEquals(distinct.size(), ids.size());
    }
}
