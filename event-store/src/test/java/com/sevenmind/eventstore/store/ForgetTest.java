package com.sevenmind.eventstore.store;

import static com.sevenmind.eventstore.store.TestEvents.completed;
import static com.sevenmind.eventstore.store.TestEvents.started;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** forget: every quarantined form of the user goes, and the tombstone drops the user's later events. */
class ForgetTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private final UUID user = UUID.fromString("f1c4c2e6-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private final UUID other = UUID.fromString("0b7a9c11-8d0b-4a59-9d3c-f1c4c2e60f6e");
    private EventStore store;

    @BeforeEach
    void setUp() {
        db.clear();
        store = db.store();
    }

    // --- the quarantine

    /** A RudderStack track call naming {@code id} as its user, in a Pub/Sub push envelope. */
    private static String push(String messageId, String id) {
        String track = "{\"type\":\"track\",\"event\":\"Content Piece Started\",\"userId\":\"" + id
                + "\",\"messageId\":\"rs-1\",\"timestamp\":\"2024-05-01T10:00:00Z\"}";
        return "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(track.getBytes(UTF_8))
                + "\",\"messageId\":\"" + messageId + "\"},\"subscription\":\"projects/p/subscriptions/s\"}";
    }

    private static String nativeLine(String id) {
        return "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"m-1\",\"user_id\":\"" + id + "\"}";
    }

    /** Every character as a JSON \\u escape. */
    private static String escaped(UUID id) {
        StringBuilder out = new StringBuilder();
        id.toString().chars().forEach(c -> out.append(String.format("\\u%04x", c)));
        return out.toString();
    }

    /** The inputs that name {@code id}, one per form an input may carry it in. */
    private static List<Rejection> naming(UUID id) {
        String pushed = push("m-7", id.toString());
        int middle = pushed.indexOf("\"data\":\"") + 20;
        return List.of(
                Rejection.of("http POST /pubsub/push", null, "pubsub", push("m-1", id.toString()), "conflict"),
                Rejection.of("f.jsonl", 2L, "native", nativeLine(escaped(id)), "conflict"),
                Rejection.of("f.jsonl", 3L, "native", nativeLine(id.toString().toUpperCase(Locale.ROOT)), "bad"),
                Rejection.of("f.jsonl", 4L, "native", nativeLine(id.toString().replace("-", "")), "bad"),
                Rejection.of("f.jsonl", 5L, "native", "{\"user_id\": \"" + id + "\", \"timestamp\": 2024-", "bad"),
                Rejection.of("http POST /pubsub/push", null, "pubsub", push("m-2", escaped(id)), "bad"),
                // A character lost from the base64: what follows it decodes only at another alignment.
                Rejection.of("http POST /pubsub/push", null, "pubsub",
                        pushed.substring(0, middle) + pushed.substring(middle + 1), "message.data is not base64"));
    }

    private List<Rejection> quarantined() {
        List<Rejection> kept = new ArrayList<>();
        db.database().quarantine().list(null, r -> kept.add(
                Rejection.of(r.source(), r.line(), r.inputFormat(), r.input(), r.reason())));
        return kept;
    }

    @Test
    void forget_deletes_the_quarantined_inputs_naming_the_user_in_every_form_and_keeps_the_others() {
        List<Rejection> others = new ArrayList<>(naming(other));
        others.add(Rejection.of("f.jsonl", 9L, "native", nativeLine("f1c4c2e6-8d0b-4a59-9d3c-0f6e2b7a9c12"), "bad"));
        db.database().quarantine().add(naming(user));
        db.database().quarantine().add(others);

        assertEquals(new EventStore.Forgotten(0, naming(user).size()), store.forget(user));

        // The quarantine keeps a batch's inputs source by source, so compare them as a set.
        assertEquals(new HashSet<>(others), new HashSet<>(quarantined()));
    }

    @Test
    void an_escaped_backslash_before_u_is_not_an_escape() {
        assertEquals("a\\u0066\"/\n", Mentions.unescapeJson("a\\\\u0066\\\"\\/\\n"));
        assertEquals("f1", Mentions.unescapeJson("\\u0066\\u0031"));
        assertFalse(new Mentions(user).in(nativeLine(escaped(user)).replace("\\u", "\\\\u")));
    }

    // --- the tombstone

    private List<Event> batch(UUID id, String prefix) {
        return List.of(started(id, prefix + "1", T), completed(id, prefix + "2", T.plusSeconds(60)));
    }

    private long count(UUID id) {
        return db.database().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM events WHERE user_uuid = :u")
                .bind("u", id).mapTo(Long.class).one());
    }

    @Test
    void a_forgotten_users_events_delivered_again_are_dropped_and_counted_and_the_others_stored() {
        store.append(batch(user, "u"));
        store.append(batch(other, "o"));
        store.forget(user);

        // All new to the table: the fast path finds the tombstone and gives the batch to the staging path.
        List<Event> again = new ArrayList<>(batch(user, "u"));
        again.addAll(batch(other, "p"));
        assertEquals(new AppendResult(2, 0, 0, 2), store.append(again));
        // A duplicate among them: straight to the staging path.
        again.addAll(batch(other, "o"));
        again.add(started(user, "u3", T));
        assertEquals(new AppendResult(0, 4, 0, 3), store.append(again));

        assertEquals(0, count(user));
        assertEquals(4, count(other));
        assertEquals(List.of(), quarantined());
    }

    @Test
    void the_tombstone_holds_a_keyed_hash_and_no_form_of_the_user() throws Exception {
        store.append(batch(user, "u"));
        store.forget(user);

        byte[] raw = ByteBuffer.allocate(16).putLong(user.getMostSignificantBits())
                .putLong(user.getLeastSignificantBits()).array();
        String row = db.database().jdbi().withHandle(h -> h.createQuery("SELECT f::text FROM forgotten_users f")
                .mapTo(String.class).one()).toLowerCase(Locale.ROOT);
        byte[] hash = db.database().jdbi().withHandle(h -> h.createQuery("SELECT user_hash FROM forgotten_users")
                .mapTo(byte[].class).one());
        byte[] key = key(db);
        String hex = HexFormat.of().formatHex(raw);

        assertFalse(row.contains(user.toString()) || row.contains(hex), row);
        assertFalse(HexFormat.of().formatHex(hash).contains(hex));
        assertEquals(32, key.length);
        assertArrayEquals(sha256(key, raw), hash, "SHA-256 over the store's key and the id's 16 bytes");
        assertFalse(MessageDigest.isEqual(sha256(new byte[0], raw), hash), "not the id's plain hash");
        TestDatabase another = new TestDatabase().open("another_store");
        try {
            assertFalse(MessageDigest.isEqual(key, key(another)), "a key per store");
        } finally {
            another.close();
        }
    }

    private static byte[] key(TestDatabase database) {
        return database.database().jdbi().withHandle(h -> h.createQuery("SELECT key FROM forget_key")
                .mapTo(byte[].class).one());
    }

    private static byte[] sha256(byte[] key, byte[] id) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(key);
        return digest.digest(id);
    }

    @Test
    void rows_of_the_audit_from_before_the_tombstones_refuse_nothing() {
        db.database().jdbi().useHandle(h -> h.execute(
                "INSERT INTO forgotten_users (events_deleted, rejected_deleted) VALUES (2, 0)"));

        assertEquals(new AppendResult(2, 0, 0), store.append(batch(user, "u")));
    }

    // --- against a concurrent forget

    @Test
    void an_append_that_waited_for_a_forget_in_flight_drops_the_users_events() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Handle forget = db.database().jdbi().open()) {
            // A forget that holds the user's lock and has written its tombstone, not yet committed.
            forget.begin();
            forget.execute("SELECT pg_advisory_xact_lock(?)", EventStore.userLock(user));
            forget.createUpdate("""
                            INSERT INTO forgotten_users (events_deleted, rejected_deleted, user_hash)
                            VALUES (0, 0, forgotten_user_hash(:user))""").bind("user", user).execute();
            Future<AppendResult> append = pool.submit(() -> store.append(batch(user, "u")));
            awaitAWaitingLock(forget);

            forget.commit();

            assertEquals(new AppendResult(0, 0, 0, 2), append.get(10, TimeUnit.SECONDS));
            assertEquals(0, count(user));
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitAWaitingLock(Handle h) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.createQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                .mapTo(Long.class).one() == 0) {
            assertTrue(System.nanoTime() < deadline, "the append never waited for the lock");
            Thread.sleep(10);
        }
    }

    @Test
    void concurrent_appends_and_forgets_of_one_user_never_leave_events_behind() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 40; i++) {
                UUID id = UUID.randomUUID();
                CyclicBarrier start = new CyclicBarrier(2);
                List<Event> events = new ArrayList<>(batch(id, "a"));
                events.addAll(batch(other, "o" + i + "-"));
                Future<AppendResult> append = pool.submit(() -> {
                    start.await(5, TimeUnit.SECONDS);
                    return store.append(events);
                });
                Future<EventStore.Forgotten> forget = pool.submit(() -> {
                    start.await(5, TimeUnit.SECONDS);
                    return store.forget(id);
                });
                AppendResult appended = append.get(10, TimeUnit.SECONDS);
                EventStore.Forgotten forgotten = forget.get(10, TimeUnit.SECONDS);

                String round = "round " + i + ": " + appended + ", " + forgotten;
                assertEquals(0, count(id), round);
                // Either the append went first and the forget deleted what it stored, or it dropped them.
                assertEquals(4, appended.stored() + appended.forgotten(), round);
                assertEquals(appended.forgotten() == 0 ? 2 : 0, forgotten.eventsDeleted(), round);
            }
            assertEquals(80, count(other));
        } finally {
            pool.shutdownNow();
        }
    }
}
