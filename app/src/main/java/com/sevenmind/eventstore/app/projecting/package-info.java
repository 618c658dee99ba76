/** Projecting a user, the same way for the commands and the HTTP API, and following a user's changes. */
package com.sevenmind.eventstore.app.projecting;
