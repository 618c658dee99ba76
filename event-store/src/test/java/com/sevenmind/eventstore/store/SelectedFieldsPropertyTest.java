package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sevenmind.eventstore.api.Content;
import com.sevenmind.eventstore.api.ContentPieceCancelled;
import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A read that names a few payload fields takes the Content Piece types' fields from the server as text
 * ({@code PayloadSelection}); any other row from its payload. Whatever the events, the fields named and the rows'
 * versions, each event read is its stored event with exactly the fields not named left out.
 */
class SelectedFieldsPropertyTest {

    private static final List<String> OPTIONAL = List.of("content.course_id", "content.item_id",
            "content.single_id", "content.recording_id", "position_seconds");

    private static TestDatabase db;

    @BeforeContainer
    static void openDatabase() {
        db = new TestDatabase().open("selected_fields");
    }

    @AfterContainer
    static void closeDatabase() {
        db.close();
    }

    @Property(tries = 40)
    void an_event_read_by_its_fields_is_the_stored_one_without_the_fields_not_named(
            @ForAll("events") List<Event> events, @ForAll("fields") Set<String> fields) {
        db.clear();
        UUID user = events.get(0).userId();
        List<Event> current = events.stream().filter(e -> !(e instanceof ContentPieceStarted s)
                || !s.sessionId().startsWith("v1-")).toList();
        List<Event> old = events.stream().filter(e -> !current.contains(e)).toList();
        db.store().append(current);
        db.store().append(old, AppendOptions.DEFAULTS.withSchemaVersion(1));

        List<Event> whole = new ArrayList<>();
        db.store().stream(user, null, Set.of(), false, r -> whole.add(r.event()));
        List<Event> read = new ArrayList<>();
        StreamResult result = db.store().stream(user, null, fields, false, (RecordedEvent r) -> read.add(r.event()));

        assertEquals(events.size(), result.events());
        assertEquals(whole.stream().map(e -> withOnly(e, fields)).toList(), read);
    }

    /** The event as a read naming {@code fields} gives it: the optional fields not named are null. */
    private static Event withOnly(Event e, Set<String> fields) {
        if (!(e instanceof ContentPieceEvent c)) {
            return e instanceof GenericEvent g ? selected(g, fields) : e;
        }
        Content k = c.content();
        Content content = new Content(k.kind(), named(fields, "content.course_id") ? k.courseId() : null,
                named(fields, "content.item_id") ? k.itemId() : null,
                named(fields, "content.single_id") ? k.singleId() : null,
                named(fields, "content.recording_id") ? k.recordingId() : null, k.objectUri());
        return rebuilt(c, c.uniqueId(), content, named(fields, "position_seconds") ? position(c) : null);
    }

    /** The Content Piece event {@code c} with another unique id, content and position (none on a Started). */
    private static Event rebuilt(ContentPieceEvent c, String uniqueId, Content content, Double position) {
        if (c instanceof ContentPieceStarted) {
            return new ContentPieceStarted(c.userId(), uniqueId, c.sessionId(), c.timestamp(), c.timezone(),
                    c.locale(), content);
        }
        return c instanceof ContentPieceCompleted
                ? new ContentPieceCompleted(c.userId(), uniqueId, c.sessionId(), c.timestamp(), c.timezone(),
                        c.locale(), content, position)
                : new ContentPieceCancelled(c.userId(), uniqueId, c.sessionId(), c.timestamp(), c.timezone(),
                        c.locale(), content, position);
    }

    private static GenericEvent selected(GenericEvent g, Set<String> fields) {
        var payload = JsonNodeFactory.instance.objectNode();
        g.payload().properties().forEach(f -> {
            if (fields.contains(f.getKey())) {
                payload.set(f.getKey(), f.getValue());
            }
        });
        return new GenericEvent(g.eventType(), g.userId(), g.uniqueId(), g.timestamp(), g.schemaVersion(), payload);
    }

    private static boolean named(Set<String> fields, String path) {
        return fields.contains(path) || path.startsWith("content.") && fields.contains("content");
    }

    /** The position of a Completed or Cancelled event; none on a Started. */
    private static Double position(ContentPieceEvent c) {
        return c instanceof ContentPieceCompleted done ? done.positionSeconds()
                : c instanceof ContentPieceCancelled cancelled ? cancelled.positionSeconds() : null;
    }

    @Provide
    Arbitrary<Set<String>> fields() {
        Arbitrary<String> named = Arbitraries.of("session_id", "timezone", "content.kind", "content.object_uri",
                "locale", "content", "note", OPTIONAL.get(0), OPTIONAL.get(1), OPTIONAL.get(2), OPTIONAL.get(3),
                OPTIONAL.get(4));
        return named.set().ofMinSize(1).ofMaxSize(4);
    }

    /**
     * One user's events: the three types, singles and course items, with and without a position; Started ones whose
     * session starts with {@code v1-} are stored at version 1 (read through the upcaster); some of a type with no
     * record.
     */
    @Provide
    Arbitrary<List<Event>> events() {
        UUID user = UUID.randomUUID();
        Arbitrary<String> uri = Arbitraries.of("sevenmind://content/single/s1/recording/r1",
                "sevenmind://content/course/c1/item/i1/recording/r2", "sevenmind://content/single/s2/recording/r3");
        Arbitrary<Double> position = Arbitraries.doubles().between(0, 3600).ofScale(2).injectNull(0.3);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 4);
        Arbitrary<Integer> second = Arbitraries.integers().between(0, 86_400);
        return Combinators.combine(kind, uri, position, second).as((k, u, p, s) -> event(user, k, u, p,
                        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(s)))
                .list().ofMinSize(1).ofMaxSize(12).map(SelectedFieldsPropertyTest::distinct);
    }

    private static List<Event> distinct(List<Event> events) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            out.add(withId(events.get(i), "e" + i));
        }
        return out;
    }

    private static Event event(UUID user, int kind, String uri, Double position, Instant at) {
        Content content = Content.parse(uri);
        return switch (kind) {
            case 0 -> new ContentPieceStarted(user, "?", "session", at, "Europe/Berlin", "de-DE", content);
            case 1 -> new ContentPieceStarted(user, "?", "v1-session", at, "Asia/Tokyo", "ja-JP", content);
            case 2 -> new ContentPieceCompleted(user, "?", "session", at, "UTC", "en-GB", content, position);
            case 3 -> new ContentPieceCancelled(user, "?", "session", at, "UTC", "en-GB", content, position);
            default -> new GenericEvent("App Opened", user, "?", at, 1,
                    JsonNodeFactory.instance.objectNode().put("note", "hello").put("session_id", "s"));
        };
    }

    private static Event withId(Event e, String id) {
        if (e instanceof GenericEvent g) {
            return new GenericEvent(g.eventType(), g.userId(), id, g.timestamp(), g.schemaVersion(), g.payload());
        }
        ContentPieceEvent c = (ContentPieceEvent) e;
        return rebuilt(c, id, c.content(), position(c));
    }
}
