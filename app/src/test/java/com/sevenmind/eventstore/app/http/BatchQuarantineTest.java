package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.app.ingest.Ingestion;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.app.ingest.Way;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Quarantine.Dropped;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.Timeouts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code /v1/batch} of many bad calls: without a token it keeps at most a burst and leaves the rate no debt; with a
 * write key every call is kept, in one statement per request, also with batches arriving together under serve's
 * statement timeout.
 */
class BatchQuarantineTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final Inputs INPUTS = new Inputs(MAPPER, new EventCodec(MAPPER));
    private static final String SOURCE = "http POST /v1/batch";
    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() { };

    @BeforeEach
    void clear() {
        db.clear();
        db.sql().useHandle(h -> h.execute("TRUNCATE quarantine_dropped"));
    }

    /** {"batch":[…]} of {@code calls} calls, each {@code call} with %d the call's number and %s {@code tag}. */
    private static String batch(int calls, String call, String tag) {
        return IntStream.range(0, calls).mapToObj(i -> String.format(call, i, tag))
                .collect(Collectors.joining(",", "{\"batch\":[", "]}"));
    }

    private static Map<String, Long> counts(long stored, long quarantined, long notKept) {
        Map<String, Long> counts = new LinkedHashMap<>(Map.of("stored", stored, "duplicates", 0L, "conflicts", 0L,
                "skipped", 0L, "quarantined", quarantined));
        if (notKept > 0) {
            counts.put("not_kept", notKept);
        }
        return counts;
    }

    @Test
    void without_a_token_a_batch_keeps_at_most_a_burst_of_bad_calls_and_leaves_the_rate_no_debt() {
        AtomicLong nanos = new AtomicLong();
        IngestAnswers rudderStack = IngestHardeningTest.answers(db, db.database().quarantine(),
                EnumSet.noneOf(Way.class), nanos::get, false);

        assertEquals(counts(0, Ingestion.BURST, 10_000 - Ingestion.BURST),
                rudderStack.batch(batch(10_000, "{}", "")));

        assertEquals(Ingestion.BURST, db.database().quarantine().count());
        List<Dropped> drops = db.database().quarantine().drops();
        assertEquals(List.of(SOURCE, 10_000L - Ingestion.BURST), List.of(drops.get(0).source(),
                drops.get(0).inputs()));
        // A tenth of a second later the bucket holds one input again: the flood left no debt to pay off first.
        nanos.addAndGet(100_000_000);
        String valid = ServeTest.track("Content Piece Started", "2024-05-01T10:00:00Z", "s-1");
        assertEquals(counts(1, 1, 1), rudderStack.batch("{\"batch\":[{\"a\":1}," + valid + ",{\"b\":2}]}"));
        assertEquals(1, db.store().count());
    }

    @Test
    void with_a_write_key_eight_batches_of_20000_bad_calls_at_once_are_all_kept() throws Exception {
        int requests = 8;
        int calls = 20_000;
        // serve's timeouts: a request that waited on another's quarantine insert past the statement limit got 503.
        try (Database database = Database.connect(db.jdbcUrl(), null, null, Timeouts.SERVE);
             ServeTest.Served served = ServeTest.serve(database, HttpApi.Settings.of("127.0.0.1", 0)
                     .withLimits(requests, 16, 4 << 20, 2, HttpApi.Settings.CONNECTIONS),
                     new IngestOptions(RudderStackApiTest.WRITE_KEY, false))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                answers.add(client.sendAsync(post(served.base(), batch(calls, "{\"n\":%d,\"request\":\"%s\"}",
                        "r" + r)), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.join();
                assertEquals(200, response.statusCode(), response.body());
                assertEquals(counts(0, calls, 0), MAPPER.readValue(response.body(), COUNTS));
            }
        }
        assertEquals((long) requests * calls, db.database().quarantine().count());
        assertEquals(List.of(), db.sql().withHandle(h -> h.createQuery("""
                        SELECT k.source FROM quarantine_kept k
                        WHERE k.bytes <> (SELECT sum(octet_length(input)) FROM rejected_events r
                                          WHERE r.source = k.source)""").mapTo(String.class).list()));
    }

    private static HttpRequest post(URI base, String body) {
        return HttpRequest.newBuilder(base.resolve("/v1/batch")).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .header("Authorization", RudderStackApiTest.basic(RudderStackApiTest.WRITE_KEY))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
