package com.sevenmind.eventstore.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.ContentPieceStarted;
import com.sevenmind.eventstore.api.ContentPieceEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GeneratorTest {

    /** The reference workload: one main character with 100,000 events, 99 background users with 1,000 each. */
    private static final GeneratorSettings REFERENCE = settings(100, 1, 199_000, 42);

    private static final Pattern SINGLE =
            Pattern.compile("sevenmind://content/single/[a-z0-9]{5}/recording/[a-z0-9]{5}");
    private static final Pattern COURSE_ITEM =
            Pattern.compile("sevenmind://content/course/[a-z0-9]{5}/item/[a-z0-9]{5}/recording/[a-z0-9]{5}");
    private static final Set<String> COUNTRIES = Set.of(
            "Europe/Berlin de-DE", "Europe/Vienna de-AT", "Europe/Zurich de-CH",
            "Europe/London en-GB", "America/New_York en-US", "Europe/Paris fr-FR");

    @Test
    void produces_exactly_the_requested_events_split_by_quota() {
        Generator generator = new Generator(REFERENCE);
        Map<UUID, Long> counts = countsPerUser(generator);

        assertEquals(199_000, counts.values().stream().mapToLong(Long::longValue).sum(), "total events");
        UUID main = generator.mainCharacters().get(0);
        assertEquals(100_000, counts.get(main), "events of the main character");
        for (UUID user : generator.users().subList(1, 100)) {
            assertEquals(1_000, counts.get(user), "events of background user " + user);
        }
    }

    @Test
    void quota_remainders_go_to_the_largest_fractions_then_to_the_first_users() {
        // 103 * 100/102 = 100.98 for the main character, 103/102 = 1.01 for each background user.
        assertEquals(List.of(101L, 1L, 1L), countsInUserOrder(new Generator(settings(3, 1, 103, 1))));
        // 10/7 each: three units left over, equal fractions, so the first three users get them.
        assertEquals(List.of(2L, 2L, 2L, 1L, 1L, 1L, 1L), countsInUserOrder(new Generator(settings(7, 0, 10, 1))));
        assertFalse(new Generator(settings(3, 1, 0, 1)).events().hasNext(), "zero events requested");
    }

    @Test
    void main_character_event_mix_matches_the_seed_prototype() {
        Generator generator = new Generator(REFERENCE);
        UUID main = generator.mainCharacters().get(0);
        Map<String, Long> types = new HashMap<>();
        forEach(generator, event -> {
            if (event.userId().equals(main)) {
                types.merge(event.eventType(), 1L, Long::sum);
            }
        });

        assertShare(47.1, types.get("ContentPieceStarted"), "started");
        assertShare(30.7, types.get("ContentPieceCancelled"), "cancelled");
        assertShare(22.2, types.get("ContentPieceCompleted"), "completed");
    }

    @Test
    void the_same_seed_gives_the_same_events_in_the_same_order() {
        Iterator<ContentPieceEvent> first = new Generator(REFERENCE).events();
        Iterator<ContentPieceEvent> second = new Generator(REFERENCE).events();
        assertEquals(take(first, 5_000), take(second, 5_000), "the first 5,000 events");

        long remaining = 0;
        while (first.hasNext()) {
            assertEquals(first.next(), second.next(), "event " + (5_000 + remaining));
            remaining++;
        }
        assertFalse(second.hasNext(), "the second run has more events than the first");
        assertEquals(199_000 - 5_000, remaining, "events after the first 5,000");
    }

    @Test
    void events_can_be_iterated_again_with_the_same_result() {
        Generator generator = new Generator(REFERENCE);
        assertEquals(take(generator.events(), 1_000), take(generator.events(), 1_000), "two passes");
    }

    @Test
    void different_seeds_give_different_users_and_events() {
        Generator one = new Generator(settings(100, 1, 1_000, 1));
        Generator other = new Generator(settings(100, 1, 1_000, 2));

        Set<UUID> shared = new HashSet<>(one.users());
        shared.retainAll(other.users());
        assertTrue(shared.isEmpty(), "users shared between seeds: " + shared);
        assertNotEquals(take(one.events(), 100), take(other.events(), 100), "the first 100 events");
    }

    @Test
    void users_are_distinct_version_4_uuids_with_the_main_characters_first() {
        Generator generator = new Generator(settings(50, 3, 1_000, 7));
        List<UUID> users = generator.users();

        assertEquals(50, new HashSet<>(users).size(), "distinct users");
        assertEquals(users.subList(0, 3), generator.mainCharacters(), "main characters");
        users.forEach(user -> {
            assertEquals(4, user.version(), "version of " + user);
            assertEquals(2, user.variant(), "variant of " + user);
        });
    }

    @Test
    void unique_ids_are_distinct_numbers_of_16_to_19_digits() {
        Set<String> ids = new HashSet<>();
        Pattern pubSubId = Pattern.compile("[1-9][0-9]{15,18}");
        forEach(new Generator(REFERENCE), event -> {
            assertTrue(pubSubId.matcher(event.uniqueId()).matches(), "unique_id " + event.uniqueId());
            assertTrue(ids.add(event.uniqueId()), "unique_id " + event.uniqueId() + " repeats");
        });
        assertEquals(199_000, ids.size(), "distinct unique_ids");
    }

    @Test
    void timestamps_lie_in_the_period_in_whole_microseconds() {
        Instant start = REFERENCE.periodStart();
        Instant end = start.plus(REFERENCE.period());
        forEach(new Generator(REFERENCE), event -> {
            Instant timestamp = event.timestamp();
            assertFalse(timestamp.isBefore(start), timestamp + " is before the period");
            assertTrue(timestamp.isBefore(end), timestamp + " is after the period");
            assertEquals(0, timestamp.getNano() % 1_000, timestamp + " has a sub-microsecond part");
        });
    }

    @Test
    void arrival_order_is_not_time_order() {
        Generator generator = new Generator(REFERENCE);
        UUID main = generator.mainCharacters().get(0);
        Instant[] latest = {Instant.MIN};
        long[] overtaken = {0};
        forEach(generator, event -> {
            if (event.userId().equals(main)) {
                if (event.timestamp().isBefore(latest[0])) {
                    overtaken[0]++;
                } else {
                    latest[0] = event.timestamp();
                }
            }
        });
        assertTrue(overtaken[0] > 0, "no event of the main character arrived after a later one");
    }

    @Test
    void a_session_is_one_user_and_piece_and_never_ends_before_it_starts() {
        Map<String, Session> sessions = new HashMap<>();
        long[] endsFirst = {0};
        forEach(new Generator(REFERENCE), event -> {
            Session session = sessions.computeIfAbsent(event.sessionId(), id -> new Session());
            if (event instanceof ContentPieceStarted) {
                assertNull(session.start, "second start in session " + event.sessionId());
                session.start = event;
            } else {
                assertNull(session.end, "second end in session " + event.sessionId());
                session.end = event;
                if (session.start == null) {
                    endsFirst[0]++;
                }
            }
            if (session.start != null && session.end != null) {
                assertEquals(session.start.userId(), session.end.userId(), "user of " + event.sessionId());
                assertEquals(session.start.objectUri(), session.end.objectUri(), "piece of " + event.sessionId());
                assertFalse(session.end.timestamp().isBefore(session.start.timestamp()),
                        "session " + event.sessionId() + " ends before it starts");
            }
        });
        assertTrue(endsFirst[0] > 0, "no session's end arrived before its start");
    }

    @Test
    void object_uris_are_singles_or_course_items_from_a_small_catalogue() {
        Map<String, Long> plays = new HashMap<>();
        long[] singles = {0};
        forEach(new Generator(REFERENCE), event -> {
            String uri = event.objectUri();
            boolean single = SINGLE.matcher(uri).matches();
            assertTrue(single || COURSE_ITEM.matcher(uri).matches(), "object_uri " + uri);
            singles[0] += single ? 1 : 0;
            plays.merge(uri, 1L, Long::sum);
        });
        assertTrue(plays.size() <= 200, "distinct pieces: " + plays.size());
        double singleShare = 100.0 * singles[0] / 199_000;
        assertTrue(singleShare > 20 && singleShare < 80, "share of singles: " + singleShare + "%");
    }

    @Test
    void each_user_keeps_one_timezone_and_locale() {
        Map<UUID, String> countries = new HashMap<>();
        forEach(new Generator(REFERENCE), event -> {
            String country = event.timezone() + " " + event.locale();
            assertTrue(COUNTRIES.contains(country), "timezone and locale " + country);
            String first = countries.putIfAbsent(event.userId(), country);
            assertTrue(first == null || first.equals(country),
                    "user " + event.userId() + " moved from " + first + " to " + country);
        });
    }

    @Test
    void events_are_generated_lazily() {
        // A trillion events could never be held; the first ones must still come at once.
        Iterator<ContentPieceEvent> events = new Generator(settings(100, 1, 1_000_000_000_000L, 42)).events();
        assertEquals(1_000, take(events, 1_000).size(), "events taken");
        assertTrue(events.hasNext(), "more events after the first 1,000");
    }

    @Test
    void the_events_end_with_no_such_element() {
        Iterator<ContentPieceEvent> events = new Generator(settings(2, 1, 3, 42)).events();
        assertEquals(3, take(events, 10).size(), "events generated");
        assertThrows(NoSuchElementException.class, events::next, "next after the last event");
    }

    @Test
    void defaults_are_the_documented_reference_scale() {
        GeneratorSettings defaults = GeneratorSettings.defaults();
        assertEquals(new GeneratorSettings(100, 1, 12_000, 42, Instant.parse("2025-01-01T00:00:00Z"),
                Duration.ofDays(365), Chaos.NONE), defaults, "defaults");
    }

    @Test
    void settings_name_the_value_at_fault() {
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        Duration year = Duration.ofDays(365);
        assertRejected("users must be at least 1, was 0",
                () -> new GeneratorSettings(0, 0, 10, 1, start, year, Chaos.NONE));
        assertRejected("main characters must be at least 0, was -1",
                () -> new GeneratorSettings(3, -1, 10, 1, start, year, Chaos.NONE));
        assertRejected("main characters (5) cannot exceed users (3)",
                () -> new GeneratorSettings(3, 5, 10, 1, start, year, Chaos.NONE));
        assertRejected("events must be at least 0, was -1",
                () -> new GeneratorSettings(3, 1, -1, 1, start, year, Chaos.NONE));
        assertRejected("period start must be in whole microseconds, was 2025-01-01T00:00:00.000000001Z",
                () -> new GeneratorSettings(3, 1, 10, 1, start.plusNanos(1), year, Chaos.NONE));
        assertRejected("period must be longer than the longest content piece (PT30M), was PT30M",
                () -> new GeneratorSettings(3, 1, 10, 1, start, Duration.ofMinutes(30), Chaos.NONE));
        assertEquals("chaos cannot be null", assertThrows(NullPointerException.class,
                () -> new GeneratorSettings(3, 1, 10, 1, start, year, null)).getMessage());
    }

    private static void assertRejected(String message, Executable creation) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, creation).getMessage());
    }

    private static void assertShare(double expectedPercent, long count, String type) {
        double percent = 100.0 * count / 100_000;
        assertEquals(expectedPercent, percent, 1.0, "share of " + type + " events, in percent");
    }

    private static GeneratorSettings settings(int users, int mainCharacters, long events, long seed) {
        GeneratorSettings defaults = GeneratorSettings.defaults();
        return new GeneratorSettings(users, mainCharacters, events, seed, defaults.periodStart(), defaults.period(),
                Chaos.NONE);
    }

    private static void forEach(Generator generator, Consumer<ContentPieceEvent> action) {
        generator.events().forEachRemaining(action);
    }

    private static Map<UUID, Long> countsPerUser(Generator generator) {
        Map<UUID, Long> counts = new HashMap<>();
        forEach(generator, event -> counts.merge(event.userId(), 1L, Long::sum));
        return counts;
    }

    private static List<Long> countsInUserOrder(Generator generator) {
        Map<UUID, Long> counts = countsPerUser(generator);
        return generator.users().stream().map(user -> counts.getOrDefault(user, 0L)).toList();
    }

    private static List<ContentPieceEvent> take(Iterator<ContentPieceEvent> events, int limit) {
        List<ContentPieceEvent> taken = new ArrayList<>();
        while (taken.size() < limit && events.hasNext()) {
            taken.add(events.next());
        }
        return taken;
    }

    private static final class Session {
        private ContentPieceEvent start;
        private ContentPieceEvent end;
    }
}
