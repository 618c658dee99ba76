/**
 * The eventstore command: wiring ({@link com.sevenmind.eventstore.app.Main}, the Guice modules, the discovery of
 * plugins) and the few helpers every room uses. The rooms: {@code ingest} (what import and HTTP ingestion share) and
 * {@code projecting} (projecting a user) at the bottom, then {@code http} (the HTTP API), {@code cli} (the commands)
 * and {@code bench}. A room uses only the rooms below it, and a class used by two rooms lives in the lower one; the
 * exceptions are the wiring here, which names the root command, and the root command, which names bench's.
 */
package com.sevenmind.eventstore.app;
