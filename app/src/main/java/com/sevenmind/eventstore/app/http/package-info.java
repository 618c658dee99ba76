/**
 * The HTTP API on Jetty: requests checked and routed, the ways in (pushes, {@code POST /events}, RudderStack's
 * API) answered with what {@code app.ingest} decided, the reads, the live streams and the inspector page.
 */
package com.sevenmind.eventstore.app.http;
