package com.sevenmind.eventstore.generator;

import java.util.UUID;

/** A generated user: the stream key and the country all their events come from. */
record User(UUID id, Country country) {
}
