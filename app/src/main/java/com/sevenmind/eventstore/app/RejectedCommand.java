package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.EventCodec;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.ingest.RudderStackCodec.Accepted;
import com.sevenmind.eventstore.api.ingest.RudderStackCodec.Parsed;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "rejected", mixinStandardHelpOptions = true,
        description = {"Lists the quarantine: every input the store could not accept, verbatim, with its source, "
                + "reason and time.",
                "--retry submits them again (after a fix: an upcaster, a new event type, a forgotten original); the "
                        + "ones accepted leave the quarantine."})
final class RejectedCommand implements Callable<Integer> {

    @ParentCommand
    EventStoreCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "T", converter = InstantConverter.class,
            description = "Only inputs rejected at or after T (ISO-8601 with Z or an offset).")
    Instant since;

    @Option(names = "--retry", description = "Submit the listed inputs again.")
    boolean retry;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (one object per line; with --retry, the summary).")
    Format format;

    private final ObjectMapper mapper;
    private final EventCodec codec;
    private final Inputs inputs;

    @Inject
    RejectedCommand(ObjectMapper mapper, EventCodec codec, Inputs inputs) {
        this.mapper = mapper;
        this.codec = codec;
        this.inputs = inputs;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Database db = root.openDatabase()) {
            if (retry) {
                Retried retried = retry(db.eventStore(codec), db.quarantine());
                if (format == Format.json) {
                    Output.json(out, mapper, retried);
                } else {
                    out.printf("retried %,d: stored %,d, duplicates %,d, skipped %,d, conflicts %,d, "
                                    + "still rejected %,d%n", retried.retried(), retried.stored(),
                            retried.duplicates(), retried.skipped(), retried.conflicts(), retried.stillRejected());
                }
            } else {
                if (format == Format.text) {
                    out.printf("%-8s %-27s %-40s %-24s %s%n", "ID", "REJECTED_AT", "SOURCE", "REASON", "INPUT");
                }
                db.quarantine().list(since, r -> print(out, r));
            }
        }
        return 0;
    }

    private void print(PrintWriter out, Rejection r) {
        if (format == Format.json) {
            Output.json(out, mapper, r);
        } else {
            String source = r.line() == null ? r.source() : r.source() + ":" + r.line();
            out.printf("%-8d %-27s %-40s %-24s %s%n", r.id(), r.rejectedAt(), abbreviate(source, 40),
                    abbreviate(r.reason(), 24), abbreviate(r.input().replace('\n', ' '), 80));
        }
    }

    private static String abbreviate(String s, int width) {
        return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
    }

    /** Each input read again as its format says, and appended; what is accepted leaves the quarantine. */
    private Retried retry(EventStore store, Quarantine quarantine) {
        long[] n = new long[6]; // retried, stored, duplicates, skipped, conflicts, still rejected
        quarantine.list(since, r -> {
            n[0]++;
            try {
                Parsed parsed = inputs.read(r.inputFormat(), r.input());
                if (parsed instanceof Accepted accepted) {
                    AppendResult result = store.append(List.of(accepted.event()));
                    if (result.conflicts() > 0) {
                        n[4]++;
                        quarantine.rejectAgain(r.id(), "conflict");
                        return;
                    }
                    n[result.stored() > 0 ? 1 : result.forgotten() > 0 ? 3 : 2]++;
                } else {
                    n[3]++;
                }
                quarantine.resolve(r.id());
            } catch (InvalidEventException e) {
                n[5]++;
                quarantine.rejectAgain(r.id(), e.getMessage());
            }
        });
        return new Retried(n[0], n[1], n[2], n[3], n[4], n[5]);
    }

    /** What --retry did; also its JSON shape. */
    record Retried(long retried, long stored, long duplicates, long skipped, long conflicts, long stillRejected) {
    }
}
