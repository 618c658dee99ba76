/**
 * Ingestion in one place, for the import command and HTTP alike: the input formats, batched appends, bounded lines,
 * and what becomes of an input that comes over a way in ({@link com.sevenmind.eventstore.app.ingest.Outcome}). No
 * picocli and no Jetty here.
 */
package com.sevenmind.eventstore.app.ingest;
