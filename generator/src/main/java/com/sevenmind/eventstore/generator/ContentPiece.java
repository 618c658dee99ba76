package com.sevenmind.eventstore.generator;

/** A recording in the catalogue: its object URI and how long it plays to its end. */
record ContentPiece(String objectUri, long lengthMicros) {
}
