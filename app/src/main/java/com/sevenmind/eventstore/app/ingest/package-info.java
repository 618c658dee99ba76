/** What the import command and HTTP ingestion share: the input formats, batched appends, bounded lines. */
package com.sevenmind.eventstore.app.ingest;
