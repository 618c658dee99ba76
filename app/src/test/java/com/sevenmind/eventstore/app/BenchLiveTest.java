package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.store.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The live measurement runs against a real database and gives ordered, plausible figures. */
class BenchLiveTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void measures_the_delay_from_commit_to_update_over_every_append() throws Exception {
        BenchLive.Result result = BenchLive.measure(db.database(), new EventCodec(Json.newObjectMapper()),
                Plugins.discover(BenchLiveTest.class.getClassLoader()).projections().select(List.of("stats")), 60);

        assertEquals(60, result.appends());
        assertTrue(0 < result.medianMillis() && result.medianMillis() <= result.p99Millis()
                && result.p99Millis() <= result.maxMillis(), result.toString());
        assertEquals(60, db.store().count(), "one event per append");
    }
}
