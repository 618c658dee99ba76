/**
 * The HTTP API on Jetty: requests checked and routed, the ways in (pushes, {@code POST /events}, RudderStack's
 * API), the reads, the live streams and the inspector page.
 */
package com.sevenmind.eventstore.app.http;
