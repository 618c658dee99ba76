package com.sevenmind.eventstore.store;

import static com.sevenmind.eventstore.store.TestEvents.cancelled;
import static com.sevenmind.eventstore.store.TestEvents.completed;
import static com.sevenmind.eventstore.store.TestEvents.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventStoreTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final UUID user = UUID.randomUUID();
    private EventStore store;

    @BeforeEach
    void setUp() {
        db.clear();
        store = db.store();
    }

    private List<RecordedEvent> read(UUID userId) {
        List<RecordedEvent> events = new ArrayList<>();
        store.stream(userId, events::add);
        return events;
    }

    @Test
    void a_stored_event_reads_back_with_every_field_and_its_microseconds() {
        Event event = new ContentPieceCompleted(user, "2070443601311540", "f3b1c2d4-session", 
                Instant.parse("2024-03-31T23:59:59.123456Z"), "America/New_York", "en-US",
                "sevenmind://content/course/ab1c2/item/de3f4/recording/gh5i6");
        Instant before = Instant.now().minusSeconds(5);

        assertEquals(new AppendResult(1, 0, 0), store.append(event));

        List<RecordedEvent> read = read(user);
        assertEquals(1, read.size());
        RecordedEvent recorded = read.get(0);
        assertEquals(event, recorded.event(), "every field, the timestamp to the microsecond");
        assertEquals(123456000, recorded.timestamp().getNano());
        assertEquals("ContentPieceCompleted", recorded.eventType());
        assertEquals(2, recorded.schemaVersion(), "written as the current version");
        assertTrue(recorded.recordedAt().isAfter(before), "recorded_at is when the store received it");
        assertTrue(recorded.position() > 0);
    }

    @Test
    void sub_microsecond_digits_are_cut_before_storing_so_what_is_read_equals_what_was_appended() {
        Event event = started(user, "u1", Instant.parse("2024-01-01T00:00:00.123456789Z"));
        assertEquals(Instant.parse("2024-01-01T00:00:00.123456Z"), event.timestamp());
        store.append(event);
        assertEquals(event, read(user).get(0).event());
    }

    @Test
    void a_user_stream_is_in_event_time_order_with_equal_timestamps_ordered_by_unique_id() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        store.append(List.of(
                completed(user, "c", t.plusSeconds(60)),
                started(user, "b", t),
                cancelled(user, "a", t),
                started(user, "z", t.minusSeconds(3600)),
                started(UUID.randomUUID(), "other-user", t)));

        assertEquals(List.of("z", "a", "b", "c"), read(user).stream().map(RecordedEvent::uniqueId).toList());
    }

    @Test
    void the_tie_break_on_unique_id_is_byte_order_whatever_the_server_locale() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        store.append(List.of(started(user, "b", t), started(user, "B", t), started(user, "a", t),
                started(user, "_", t), started(user, "10", t), started(user, "9", t)));

        assertEquals(List.of("10", "9", "B", "_", "a", "b"),
                read(user).stream().map(RecordedEvent::uniqueId).toList());
    }

    @Test
    void a_resent_event_is_counted_as_a_duplicate_and_stored_once() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        assertEquals(new AppendResult(2, 0, 0), store.append(List.of(started(user, "1", t), completed(user, "2", t))));

        assertEquals(new AppendResult(1, 2, 0),
                store.append(List.of(started(user, "1", t), completed(user, "2", t), started(user, "3", t))));
        assertEquals(new AppendResult(0, 1, 0), store.append(started(user, "3", t)));
        assertEquals(3, read(user).size());
    }

    @Test
    void a_resent_unique_id_with_different_content_is_a_conflict_not_stored_over_the_original() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        store.append(started(user, "1", t));
        List<Integer> conflicting = new ArrayList<>();

        AppendResult result = store.append(List.of(started(user, "1", t), completed(user, "1", t),
                started(user, "1", t.plusSeconds(1)), started(user, "2", t)),
                AppendOptions.DEFAULTS.withListener(conflicting::add));

        assertEquals(new AppendResult(1, 1, 2), result);
        assertEquals(List.of(1, 2), conflicting);
        assertEquals(started(user, "1", t), read(user).get(0).event(), "the original stays");
    }

    @Test
    void a_resent_event_stored_in_the_old_schema_version_is_a_duplicate_though_the_old_row_could_not_keep_all() {
        Event completed = new ContentPieceCompleted(user, "1", "s", Instant.parse("2024-05-01T10:00:00Z"),
                "Europe/Berlin", "de-DE", Content.parse("sevenmind://content/single/a/recording/b"), 93.5);
        // version 1 had no position_seconds
        store.append(List.of(completed), AppendOptions.DEFAULTS.withSchemaVersion(1));

        assertEquals(new AppendResult(0, 1, 0), store.append(completed));
    }

    @Test
    void forget_deletes_the_users_events_and_leaves_an_audit_row_without_the_user() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        UUID other = UUID.randomUUID();
        store.append(List.of(started(user, "1", t), completed(user, "2", t), started(other, "3", t)));
        db.database().quarantine().add(List.of(
                Quarantine.Rejection.of("f.jsonl", 3L, "native", "{\"user_id\":\"" + user + "\"}", "bad"),
                Quarantine.Rejection.of("f.jsonl", 4L, "native", "{\"user_id\":\"" + other + "\"}", "bad")));

        assertEquals(new EventStore.Forgotten(2, 1), store.forget(user));

        assertEquals(List.of(), read(user));
        assertEquals(1, read(other).size());
        assertEquals(1, db.database().quarantine().count());
        String audit = db.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT events_deleted || ',' || rejected_deleted FROM forgotten_users").mapTo(String.class).one());
        assertEquals("2,1", audit);
    }

    @Test
    void repeats_within_one_batch_are_duplicates() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        assertEquals(new AppendResult(1, 2, 0),
                store.append(List.of(started(user, "1", t), started(user, "1", t), started(user, "1", t))));
    }

    @Test
    void the_same_unique_id_for_two_users_is_two_events() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        UUID other = UUID.randomUUID();
        assertEquals(new AppendResult(2, 0, 0), store.append(List.of(started(user, "1", t), started(other, "1", t))));
    }

    @Test
    void a_user_without_events_has_an_empty_stream() {
        assertEquals(new StreamResult(0, Map.of(), null), store.stream(UUID.randomUUID(), e -> { }));
    }

    @Test
    void top_users_lists_the_users_with_most_events_first() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        UUID small = UUID.randomUUID();
        store.append(List.of(started(user, "1", t), started(user, "2", t), started(small, "3", t)));

        assertEquals(List.of(new UserEventCount(user, 2), new UserEventCount(small, 1)), store.topUsers(10));
        assertEquals(List.of(new UserEventCount(user, 2)), store.topUsers(1));
        assertEquals(3, store.count());
    }

    @Test
    void a_malformed_stored_payload_fails_the_read_naming_the_event() {
        insertRaw("broken-1", "ContentPieceStarted", 2, "{\"session_id\": \"s\", \"content\": {\"kind\": \"single\", "
                + "\"object_uri\": \"sevenmind://x\"}, \"locale\": \"de\"}");

        StoreException e = assertThrows(StoreException.class, () -> read(user));
        assertEquals("stored event broken-1 of user " + user + " cannot be read: field timezone is missing",
                e.getMessage());
    }

    @Test
    void a_read_without_payloads_gives_the_metadata_and_never_touches_the_payload() {
        insertRaw("broken-3", "ContentPieceStarted", 2, "{\"not\": \"a payload\"}");

        List<RecordedEvent> read = new ArrayList<>();
        store.stream(user, null, false, read::add);

        assertEquals("broken-3", read.get(0).uniqueId());
        assertEquals("ContentPieceStarted", read.get(0).eventType());
        assertEquals(Instant.parse("2024-05-02T00:00:00Z"), read.get(0).timestamp());
        assertEquals("the payload of broken-3 was not read: every projection of this read said needsPayload() is "
                + "false", assertThrows(IllegalStateException.class, () -> read.get(0).event()).getMessage());
    }

    @Test
    void a_version_1_payload_that_cannot_be_upcast_fails_the_read_naming_the_event() {
        insertRaw("broken-2", "ContentPieceStarted", 1, "{\"session_id\": \"s\"}");

        StoreException e = assertThrows(StoreException.class, () -> read(user));
        assertEquals("stored event broken-2 of user " + user + " cannot be read: field object_uri is missing",
                e.getMessage());
    }

    @Test
    void a_payload_of_a_newer_version_than_this_application_knows_is_refused_with_what_to_do() {
        insertRaw("future-1", "ContentPieceStarted", 3, "{}");

        StoreException e = assertThrows(StoreException.class, () -> read(user));
        assertEquals("stored event future-1 of user " + user + " cannot be read: schema version 3 is newer than "
                + "this application knows (2); upgrade the application", e.getMessage());
    }

    @Test
    void events_of_unregistered_types_are_read_as_generic_events_and_counted() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        store.append(started(user, "1", t));
        insertRaw("r1", "ContentPieceRated", 1, "{\"stars\": 5}");
        insertRaw("r2", "ContentPieceRated", 1, "{\"stars\": 4}");

        List<RecordedEvent> seen = new ArrayList<>();
        StreamResult result = store.stream(user, seen::add);

        assertEquals(3, result.events());
        assertEquals(Map.of("ContentPieceRated", 2L), result.unknownTypes());
        assertEquals(List.of("1", "r1", "r2"), seen.stream().map(RecordedEvent::uniqueId).toList());
        GenericEvent rated = (GenericEvent) seen.get(1).event();
        assertEquals("ContentPieceRated", rated.eventType());
        assertEquals(5, rated.payload().get("stars").asInt());
        assertEquals(1, rated.schemaVersion());
    }

    @Test
    void unknown_payload_fields_are_ignored_and_a_missing_position_is_null() {
        insertRaw("c1", "ContentPieceCompleted", 2, "{\"session_id\": \"s\", \"timezone\": \"Europe/Berlin\", "
                + "\"locale\": \"de\", \"content\": {\"kind\": \"single\", \"object_uri\": \"sevenmind://x\", "
                + "\"colour\": \"blue\"}, \"device\": \"phone\"}");

        ContentPieceCompleted read = (ContentPieceCompleted) read(user).get(0).event();
        assertNull(read.positionSeconds());
        assertEquals("sevenmind://x", read.objectUri());
    }

    @Test
    void as_of_reads_only_what_had_been_recorded_by_then_still_in_event_time_order() throws Exception {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        store.append(List.of(started(user, "b", t.plusSeconds(60)), completed(user, "c", t.plusSeconds(120))));
        Instant between = db.database().jdbi().withHandle(h ->
                h.createQuery("SELECT max(recorded_at) FROM events").mapTo(OffsetDateTime.class).one()).toInstant();
        Thread.sleep(5);
        store.append(started(user, "a", t)); // late: happened first, recorded last

        assertEquals(List.of("b", "c"), uniqueIds(store, user, between));
        assertEquals(List.of("a", "b", "c"), uniqueIds(store, user, Instant.now()));
        assertEquals(List.of(), uniqueIds(store, user, between.minusMillis(1)));
    }

    private static List<String> uniqueIds(EventStore store, UUID user, Instant asOf) {
        List<String> ids = new ArrayList<>();
        store.stream(user, asOf, e -> ids.add(e.uniqueId()));
        return ids;
    }

    private void insertRaw(String uniqueId, String type, int version, String payload) {
        db.database().jdbi().useHandle(h -> h.execute("""
                INSERT INTO events (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
                VALUES (?, ?, ?, ?, '2024-05-02T00:00:00Z', ?::jsonb)""", user, uniqueId, type, version, payload));
    }

    @Test
    void connecting_to_a_server_that_is_not_there_names_the_url_without_the_password() {
        StoreException e = assertThrows(StoreException.class,
                () -> Database.connect("jdbc:postgresql://localhost:1/nowhere?password=secret", "me", null));
        assertTrue(e.getMessage().startsWith(
                "cannot connect to PostgreSQL at jdbc:postgresql://localhost:1/nowhere?password=***: "),
                e.getMessage());
        assertTrue(!e.getMessage().contains("secret"));
    }
}
