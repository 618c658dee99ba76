package com.sevenmind.eventstore.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ChaosTest {

    private static final long EVENTS = 50_000;
    private static final GeneratorSettings PLAIN = settings(EVENTS, 42, Chaos.NONE);
    private static final GeneratorSettings CHAOTIC = settings(EVENTS, 42, Chaos.defaults());

    /** An event's identity: redelivered copies share it, every distinct event has its own. */
    private record Key(UUID userId, String uniqueId) {
        static Key of(ContentPieceEvent event) {
            return new Key(event.userId(), event.uniqueId());
        }
    }

    @Test
    void no_chaos_leaves_the_events_exactly_as_they_were_before_chaos() throws NoSuchAlgorithmException {
        // SHA-256 of the events' toString, one a line, computed from the generator before chaos existed, when the
        // records still had schema version 1's fields (versionOneText renders that toString from today's events).
        assertEquals("61d0bf6ed8c4b0b18ec88a8d8b7770db6e4baf3464c9552799ecf48badb8fbc9",
                sha256(new Generator(GeneratorSettings.defaults()).events(), Long.MAX_VALUE),
                "all 12,000 events of the default settings");
        assertEquals("f93ab2d177f4a9ac3b989b3ab331f7dcb67317ca755cde34029d9c217d13474b",
                sha256(new Generator(settings(199_000, 42, Chaos.NONE)).events(), 1_000),
                "the first 1,000 events of the reference workload");
    }

    @Test
    void default_chaos_keeps_every_distinct_event_and_redelivers_exact_copies() {
        List<ContentPieceEvent> events = all(CHAOTIC);
        Map<Key, ContentPieceEvent> distinct = new HashMap<>();
        Map<Key, Integer> deliveries = new HashMap<>();
        for (ContentPieceEvent event : events) {
            ContentPieceEvent earlier = distinct.putIfAbsent(Key.of(event), event);
            if (earlier != null) {
                assertEquals(earlier, event, "redelivery of " + Key.of(event));
            }
            deliveries.merge(Key.of(event), 1, Integer::sum);
        }

        assertEquals(EVENTS, distinct.size(), "distinct (user_id, unique_id)");
        assertEquals(EVENTS, distinct.values().stream().map(ContentPieceEvent::uniqueId).distinct().count(), "distinct unique_ids");
        long redeliveries = events.size() - EVENTS;
        double share = 100.0 * redeliveries / EVENTS;
        assertTrue(share >= 1 && share <= 5, "redeliveries: " + redeliveries + " (" + share + "%)");
        deliveries.forEach((key, times) -> assertTrue(times <= 2, key + " delivered " + times + " times"));
        // Second ends count against the quotas, so every user still gets exactly their share.
        assertEquals(distinctPerUser(all(PLAIN)), distinctPerUser(events), "distinct events per user");
    }

    @Test
    void default_chaos_doubles_ends_skews_clocks_and_repeats_microseconds() {
        Map<String, List<ContentPieceEvent>> sessions = new HashMap<>();
        new HashSet<>(all(CHAOTIC)).forEach(
                event -> sessions.computeIfAbsent(event.sessionId(), id -> new ArrayList<>()).add(event));

        long ended = 0;
        long twoEnds = 0;
        long startedAndEnded = 0;
        long endsBeforeStart = 0;
        long severalEvents = 0;
        long sameMicro = 0;
        for (List<ContentPieceEvent> session : sessions.values()) {
            List<ContentPieceEvent> starts = session.stream().filter(ContentPieceStarted.class::isInstance).toList();
            List<ContentPieceEvent> ends = session.stream().filter(event -> !(event instanceof ContentPieceStarted)).toList();
            String id = session.get(0).sessionId();
            assertTrue(starts.size() <= 1, "starts in session " + id + ": " + starts);
            assertTrue(ends.size() <= 2, "ends in session " + id + ": " + ends);
            assertEquals(1, session.stream().map(ContentPieceEvent::userId).distinct().count(), "users of session " + id);
            assertEquals(1, session.stream().map(ContentPieceEvent::objectUri).distinct().count(), "pieces of session " + id);

            ended += ends.isEmpty() ? 0 : 1;
            if (ends.size() == 2) {
                twoEnds++;
                Duration apart = Duration.between(ends.get(0).timestamp(), ends.get(1).timestamp()).abs();
                assertTrue(apart.compareTo(Duration.ofMinutes(10)) <= 0, "ends of session " + id + ": " + ends);
            }
            if (!starts.isEmpty() && !ends.isEmpty()) {
                startedAndEnded++;
                Instant start = starts.get(0).timestamp();
                boolean skewed = false;
                for (ContentPieceEvent end : ends) {
                    if (end.timestamp().isBefore(start)) {
                        skewed = true;
                        Duration early = Duration.between(end.timestamp(), start);
                        assertTrue(early.compareTo(Duration.ofMinutes(2)) <= 0, "end of " + id + " is " + early
                                + " before its start");
                    }
                }
                endsBeforeStart += skewed ? 1 : 0;
            }
            if (session.size() >= 2) {
                severalEvents++;
                sameMicro += session.stream().map(ContentPieceEvent::timestamp).distinct().count() == 1 ? 1 : 0;
            }
        }

        // Each knob is a few percent; the ranges are wide, but a knob swapped for another would miss them.
        assertShare(2, twoEnds, ended, "sessions with a second end, of those with an end");
        assertShare(1, endsBeforeStart, startedAndEnded, "sessions ending before they start, of those with both");
        assertShare(2, sameMicro, severalEvents, "sessions on a single microsecond, of those with several events");
    }

    @Test
    void late_events_arrive_long_after_their_place_and_none_is_lost() {
        List<ContentPieceEvent> plain = all(PLAIN);
        Map<Key, Integer> plainPositions = new HashMap<>();
        for (int i = 0; i < plain.size(); i++) {
            plainPositions.put(Key.of(plain.get(i)), i);
        }

        List<ContentPieceEvent> late = all(settings(EVENTS, 42, new Chaos(0.05, 0, 0, 0, 0)));
        assertEquals(plain.size(), late.size(), "events with late ones");
        assertEquals(new HashSet<>(plain), new HashSet<>(late), "the events, late ones included");
        assertNotEquals(plain, late, "arrival order");
        long farBehind = 0;
        for (int i = 0; i < late.size(); i++) {
            farBehind += i - plainPositions.get(Key.of(late.get(i))) > 1_000 ? 1 : 0;
        }
        assertTrue(farBehind > 0, "no event arrived more than 1,000 events after its place");

        List<ContentPieceEvent> allLate = all(settings(EVENTS, 42, new Chaos(1, 0, 0, 0, 0)));
        assertEquals(plain.size(), allLate.size(), "events when all are late");
        assertEquals(new HashSet<>(plain), new HashSet<>(allLate), "the events when all are late");
        assertNotEquals(plain, allLate, "arrival order when all are late");
    }

    @Test
    void redelivered_copies_follow_their_original_within_2000_events() {
        List<ContentPieceEvent> plain = all(PLAIN);
        List<ContentPieceEvent> redelivered = all(settings(EVENTS, 42, new Chaos(0, 0.03, 0, 0, 0)));

        Map<Key, Integer> originals = new HashMap<>();
        List<ContentPieceEvent> firstDeliveries = new ArrayList<>();
        long copies = 0;
        for (int i = 0; i < redelivered.size(); i++) {
            ContentPieceEvent event = redelivered.get(i);
            Integer original = originals.putIfAbsent(Key.of(event), firstDeliveries.size());
            if (original == null) {
                firstDeliveries.add(event);
            } else {
                copies++;
                // Original events arriving in between: the copy waits for at most 2,000 of them.
                int between = firstDeliveries.size() - 1 - original;
                assertTrue(between <= 2_000, "copy of " + Key.of(event) + " after " + between + " events");
            }
        }
        // Copies are inserted; they never reorder the events themselves.
        assertEquals(plain, firstDeliveries, "the events without their copies");
        assertTrue(copies > 0, "no copies");
    }

    @Test
    void full_chaos_delivers_every_event_twice_and_stops() {
        Iterator<ContentPieceEvent> events = new Generator(settings(2, 1, 3, 42, new Chaos(1, 1, 1, 1, 1))).events();
        List<ContentPieceEvent> taken = take(events, 100);
        assertThrows(NoSuchElementException.class, events::next, "next after the last event");

        assertEquals(6, taken.size(), "events and their copies");
        assertEquals(3, new HashSet<>(taken).size(), "distinct events");

        List<ContentPieceEvent> twice = all(settings(1_000, 7, new Chaos(0, 1, 0, 0, 0)));
        assertEquals(2_000, twice.size(), "events and their copies");
        assertEquals(1_000, new HashSet<>(twice).size(), "distinct events");
    }

    @Test
    void second_ends_never_exceed_the_quotas() {
        List<ContentPieceEvent> events = all(settings(20_000, 7, new Chaos(0, 0, 1, 0, 0)));
        assertEquals(distinctPerUser(all(settings(20_000, 7, Chaos.NONE))), distinctPerUser(events),
                "events per user");
        assertEquals(20_000, events.size(), "events");
        assertEquals(20_000, new HashSet<>(events).size(), "distinct events");
    }

    @Test
    void the_same_seed_gives_the_same_chaos() {
        Generator generator = new Generator(CHAOTIC);
        List<ContentPieceEvent> first = all(CHAOTIC);
        assertEquals(first, all(CHAOTIC), "a second generator");
        assertEquals(take(generator.events(), 5_000), take(generator.events(), 5_000), "two passes");
        assertNotEquals(first, all(settings(EVENTS, 43, Chaos.defaults())), "another seed");
        assertNotEquals(first, all(PLAIN), "no chaos");
        // Chaos has its own random generator: the users stay those of the plain generator.
        assertEquals(new Generator(PLAIN).users(), generator.users(), "users");
    }

    @Test
    void chaos_stays_lazy() {
        Iterator<ContentPieceEvent> events = new Generator(settings(1_000_000_000_000L, 42, new Chaos(1, 1, 1, 1, 1))).events();
        assertEquals(1_000, take(events, 1_000).size(), "events taken");
    }

    @Test
    void defaults_are_a_few_percent_and_none_is_zero() {
        assertEquals(new Chaos(0.05, 0.03, 0.02, 0.01, 0.02), Chaos.defaults(), "defaults");
        assertEquals(new Chaos(0, 0, 0, 0, 0), Chaos.NONE, "none");
        assertEquals(Chaos.NONE, GeneratorSettings.defaults().chaos(), "chaos of the default settings");
    }

    @Test
    void knobs_are_probabilities() {
        assertRejected("late must be between 0 and 1, was -0.1", () -> new Chaos(-0.1, 0, 0, 0, 0));
        assertRejected("redeliver must be between 0 and 1, was 1.5", () -> new Chaos(0, 1.5, 0, 0, 0));
        assertRejected("extra-end must be between 0 and 1, was NaN", () -> new Chaos(0, 0, Double.NaN, 0, 0));
        assertRejected("skew must be between 0 and 1, was 2.0", () -> new Chaos(0, 0, 0, 2, 0));
        assertRejected("same-micro must be between 0 and 1, was -1.0", () -> new Chaos(0, 0, 0, 0, -1));
        assertEquals(1.0, new Chaos(1, 1, 1, 1, 1).late(), "1 is a probability");
    }

    private static void assertRejected(String message, Executable creation) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, creation).getMessage());
    }

    /** {@code count} of {@code total} is within half to one and a half times {@code expectedPercent}. */
    private static void assertShare(double expectedPercent, long count, long total, String what) {
        double percent = 100.0 * count / total;
        assertEquals(expectedPercent, percent, expectedPercent / 2, what + ": " + count + " of " + total);
    }

    private static GeneratorSettings settings(long events, long seed, Chaos chaos) {
        return settings(100, 1, events, seed, chaos);
    }

    private static GeneratorSettings settings(int users, int mainCharacters, long events, long seed, Chaos chaos) {
        GeneratorSettings defaults = GeneratorSettings.defaults();
        return new GeneratorSettings(users, mainCharacters, events, seed, defaults.periodStart(), defaults.period(),
                chaos);
    }

    private static List<ContentPieceEvent> all(GeneratorSettings settings) {
        return take(new Generator(settings).events(), Integer.MAX_VALUE);
    }

    private static List<ContentPieceEvent> take(Iterator<ContentPieceEvent> events, int limit) {
        List<ContentPieceEvent> taken = new ArrayList<>();
        while (taken.size() < limit && events.hasNext()) {
            taken.add(events.next());
        }
        return taken;
    }

    private static Map<UUID, Long> distinctPerUser(List<ContentPieceEvent> events) {
        Map<UUID, Long> counts = new HashMap<>();
        new HashSet<>(events).forEach(event -> counts.merge(event.userId(), 1L, Long::sum));
        return counts;
    }

    private static String sha256(Iterator<ContentPieceEvent> events, long limit) throws NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (long i = 0; i < limit && events.hasNext(); i++) {
            digest.update((versionOneText(events.next()) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** What the records' toString was in schema version 1, before content and position_seconds. */
    private static String versionOneText(ContentPieceEvent e) {
        return e.eventType() + "[userId=" + e.userId() + ", uniqueId=" + e.uniqueId() + ", sessionId=" + e.sessionId()
                + ", timestamp=" + e.timestamp() + ", timezone=" + e.timezone() + ", locale=" + e.locale()
                + ", objectUri=" + e.objectUri() + "]";
    }
}
