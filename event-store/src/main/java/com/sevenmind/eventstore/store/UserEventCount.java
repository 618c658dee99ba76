package com.sevenmind.eventstore.store;

import java.util.UUID;

/** A user and how many events their stream holds. */
public record UserEventCount(UUID userId, long eventCount) {
}
