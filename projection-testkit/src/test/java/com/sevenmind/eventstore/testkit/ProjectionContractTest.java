package com.sevenmind.eventstore.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.ContentPieceCompleted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.generator.Generator;
import com.sevenmind.eventstore.testkit.BrokenProjections.CountsInAField;
import com.sevenmind.eventstore.testkit.BrokenProjections.LosesStateInSnapshots;
import com.sevenmind.eventstore.testkit.BrokenProjections.ReadsAPayloadItSaidItDoesNotNeed;
import com.sevenmind.eventstore.testkit.BrokenProjections.RecordingsPlayed;
import com.sevenmind.eventstore.testkit.BrokenProjections.SharedInitialState;
import com.sevenmind.eventstore.testkit.BrokenProjections.Tallies;
import com.sevenmind.eventstore.testkit.BrokenProjections.UnwritableView;
import com.sevenmind.eventstore.testkit.BrokenProjections.ViewChangesState;
import com.sevenmind.eventstore.testkit.BrokenProjections.ViewSharesState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProjectionContractTest {

    private static final UUID ANNA = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final UUID BEN = UUID.fromString("22222222-2222-4222-8222-222222222222");
    private static final String URI = "sevenmind://content/single/abc12/recording/xyz34";

    /** Anna: started, completed, started again; Ben: two starts. Out of order, with a re-delivery. */
    private static final List<Event> ARRIVALS = List.of(
            completed(ANNA, "a2", "s1", "2025-01-01T10:10:00Z"),
            started(BEN, "b1", "t1", "2025-01-01T09:00:00Z"),
            started(ANNA, "a1", "s1", "2025-01-01T10:00:00Z"),
            started(ANNA, "a3", "s2", "2025-01-01T11:00:00Z"),
            completed(ANNA, "a2", "s1", "2025-01-01T10:10:00Z"),
            started(BEN, "b2", "t2", "2025-01-01T09:30:00Z"));

    private static Event started(UUID user, String uniqueId, String session, String at) {
        return new ContentPieceStarted(user, uniqueId, session, Instant.parse(at), "Europe/Berlin", "de-DE", URI);
    }

    private static Event completed(UUID user, String uniqueId, String session, String at) {
        return new ContentPieceCompleted(user, uniqueId, session, Instant.parse(at), "Europe/Berlin", "de-DE", URI);
    }

    private static String failure(Projection<?> projection) {
        return assertThrows(AssertionError.class, () -> ProjectionContract.verify(projection, ARRIVALS)).getMessage();
    }

    @Test
    void a_projection_keeping_every_rule_passes_on_the_default_streams_and_on_given_ones() {
        ProjectionContract.verify(new Tallies());
        ProjectionContract.verify(new Tallies(), ARRIVALS);
    }

    @Test
    void the_default_streams_hold_events_of_other_types_so_a_projection_assuming_content_pieces_fails() {
        Projection<Long> assumes = new Projection<>() {
            @Override
            public String name() {
                return "assumes-content-pieces";
            }

            @Override
            public Long initialState() {
                return 0L;
            }

            @Override
            public Long apply(Long n, RecordedEvent e) {
                return n + ((ContentPieceEvent) e.event()).sessionId().length();
            }

            @Override
            public Object view(Long n) {
                return n;
            }
        };

        AssertionError e = assertThrows(AssertionError.class, () -> ProjectionContract.verify(assumes));
        assertTrue(e.getMessage().contains("assumes-content-pieces"), e.getMessage());
        ProjectionContract.verify(assumes, ARRIVALS);
    }

    @Test
    void the_streams_are_the_stores_one_per_user_in_stream_order_each_event_once() {
        var streams = UserStreams.of(ARRIVALS, new Tallies());

        assertEquals(List.of(ANNA, BEN), streams.stream().map(UserStreams.UserStream::user).toList());
        assertEquals(List.of("a1", "a2", "a3"),
                streams.get(0).events().stream().map(RecordedEvent::uniqueId).toList());
        assertEquals(List.of(3L, 1L, 4L), streams.get(0).events().stream().map(RecordedEvent::position).toList());
        RecordedEvent late = streams.get(0).events().get(0);
        assertEquals(Instant.parse("2025-01-01T10:10:00Z"), late.recordedAt(), "recorded when a2 had happened");
        assertThrows(IllegalStateException.class, late::event, "Tallies said needsPayload() is false");
    }

    @Test
    void a_state_that_loses_a_field_in_a_snapshot_fails_naming_the_split_point_and_what_differed() {
        assertEquals("projection 'loses-state' (" + LosesStateInSnapshots.class.getName() + "): its state must "
                + "survive the snapshot round trip: user " + ANNA + "'s 3 events, split after event 2 (unique_id a2, "
                + "ContentPieceCompleted at 2025-01-01T10:10:00Z): folding in two passes, the state saved and read "
                + "back in between, gave another view than one pass, at $.completed: expected 1, was 0; the saved "
                + "state: {\"events\":2}", failure(new LosesStateInSnapshots()));
    }

    @Test
    void a_state_that_loses_a_field_fails_on_the_default_streams_too() {
        String message = assertThrows(AssertionError.class,
                () -> ProjectionContract.verify(new LosesStateInSnapshots())).getMessage();

        UUID first = new Generator(ProjectionContract.defaultSettings()).users().get(0);
        assertTrue(message.startsWith("projection 'loses-state' (" + LosesStateInSnapshots.class.getName()
                + "): its state must survive the snapshot round trip: user " + first + "'s "), message);
        assertTrue(message.contains("at $.completed: expected "), message);
    }

    @Test
    void an_initial_state_handed_out_twice_fails() {
        assertEquals("projection 'shared-initial' (" + SharedInitialState.class.getName() + "): initialState() must "
                + "return a fresh state: folding user " + ANNA + "'s 3 events into one initial state changed the view "
                + "of another, at $.sessions: expected 0, was 4", failure(new SharedInitialState()));
    }

    @Test
    void apply_that_keeps_state_outside_the_state_fails_naming_both_streams() {
        assertEquals("projection 'counts-in-a-field' (" + CountsInAField.class.getName() + "): apply must depend on "
                + "its arguments only: user " + ANNA + "'s 3 events folded again, interleaved with user " + BEN
                + "'s 2 events, gave another view than folded alone, at $.events: expected 3, was 13",
                failure(new CountsInAField()));
    }

    @Test
    void a_view_that_is_not_json_fails() {
        String message = failure(new UnwritableView());

        assertTrue(message.startsWith("projection 'unwritable' (" + UnwritableView.class.getName() + "): its view "
                + "must serialize to JSON, the same each time it is taken: the view before any event cannot be "
                + "written as JSON: No serializer found for class java.lang.Object"), message);
    }

    @Test
    void a_view_that_changes_the_state_fails() {
        assertEquals("projection 'view-changes-state' (" + ViewChangesState.class.getName() + "): its view must "
                + "serialize to JSON, the same each time it is taken: the view of user " + ANNA + " after its 3 "
                + "events differed the second time it was taken (does view change the state?) at $.views: expected "
                + "1, was 2", failure(new ViewChangesState()));
    }

    @Test
    void a_view_that_reads_its_state_while_it_is_written_fails() {
        assertEquals("projection 'view-shares-state' (" + ViewSharesState.class.getName() + "): its view must not "
                + "change when the state is folded on: user " + ANNA + "'s 3 events, the view taken before the first "
                + "event and written after the 3 events after it were folded into its state gave another JSON than "
                + "written at once (does the view read the state while it is written?) at $.sessions: expected 0 "
                + "elements, [], was 2, [\"s1\",\"s2\"]", failure(new ViewSharesState()));
    }

    @Test
    void reading_a_payload_after_saying_none_is_needed_fails_naming_the_event() {
        String message = failure(new ReadsAPayloadItSaidItDoesNotNeed());

        assertTrue(message.startsWith("projection 'payload-unannounced' ("
                + ReadsAPayloadItSaidItDoesNotNeed.class.getName() + "): apply must fold every event: it threw on "
                + "event 1 of user " + ANNA + "'s 3 (unique_id a1, ContentPieceStarted): "
                + "java.lang.IllegalStateException: the payload of a1 was not read"), message);
    }

    @Test
    void a_projection_naming_the_fields_it_reads_passes_and_one_reading_a_field_it_did_not_name_fails() {
        ProjectionContract.verify(new RecordingsPlayed(true));

        assertEquals("projection 'recordings-unnamed' (" + RecordingsPlayed.class.getName() + "): payloadFields() "
                + "must name every payload field apply reads: user " + ANNA + "'s 3 events, read with only "
                + "[session_id] decoded, gave another view than decoded whole, at $: expected 3, was 0",
                failure(new RecordingsPlayed(false)));
    }

    @Test
    void a_source_without_events_is_refused() {
        assertEquals("the event source of projection 'tallies' (" + Tallies.class.getName() + ") gave no events to "
                + "check with", assertThrows(IllegalArgumentException.class,
                () -> ProjectionContract.verify(new Tallies(), List.of())).getMessage());
    }
}
