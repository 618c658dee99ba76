/** The commands and their option classes, and how they print results. */
package com.sevenmind.eventstore.app.cli;
