package com.sevenmind.eventstore.stats;

import com.sevenmind.eventstore.testkit.ProjectionContract;
import org.junit.jupiter.api.Test;

class StatsProjectionTest {

    @Test
    void keeps_the_projection_contract() {
        ProjectionContract.verify(new StatsProjection());
    }
}
