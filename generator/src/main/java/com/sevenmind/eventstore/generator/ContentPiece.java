package com.sevenmind.eventstore.generator;

import com.sevenmind.eventstore.api.Content;

/** A recording in the catalogue: what it is and how long it plays to its end. */
record ContentPiece(Content content, long lengthMicros) {
}
