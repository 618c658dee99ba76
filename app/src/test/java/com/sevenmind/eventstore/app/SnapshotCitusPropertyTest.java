package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.store.TestDatabase;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * {@link SnapshotPropertyTest}'s property on the Citus test cluster (a coordinator and two workers): the snapshot
 * table and the events distributed by user, every query through the coordinator. Fewer tries than on one server: each
 * costs several times as much there, and the property's logic is the same.
 */
@AddLifecycleHook(SnapshotCitusPropertyTest.CitusAvailable.class)
class SnapshotCitusPropertyTest {

    /** Skips the property with the reason where Citus is missing: jqwik runs no JUnit extension to do it. */
    static final class CitusAvailable implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            String reason = TestDatabase.onCitus().unavailable();
            return reason == null ? SkipResult.doNotSkip() : SkipResult.skip(reason);
        }
    }

    private static TestDatabase db;

    @BeforeContainer
    static void openDatabase() {
        db = TestDatabase.onCitus().open("snapshot_citus_property");
    }

    @AfterContainer
    static void closeDatabase() {
        db.close();
    }

    @Property(tries = 30)
    void cached_answers_equal_full_reads_on_citus(@ForAll("events") List<Event> events, @ForAll long shuffleSeed,
                                                  @ForAll @IntRange(min = 1, max = 8) int batchSize) {
        SnapshotPropertyTest.check(db, events, shuffleSeed, batchSize);
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return ScrambledEvents.events(SnapshotPropertyTest.USERS);
    }
}
