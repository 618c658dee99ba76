/** The bench command: its runs, their figures and the report. */
package com.sevenmind.eventstore.app.bench;
