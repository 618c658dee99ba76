package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.ingest.Inputs;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Accepted;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec.Parsed;
import com.sevenmind.eventstore.store.AppendOptions;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine;
import com.sevenmind.eventstore.store.Quarantine.Dropped;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rejected", mixinStandardHelpOptions = true,
        description = {"Lists the quarantine: every input the store could not accept, verbatim, with its source, "
                + "reason and time.",
                "--retry submits them again (after a fix: an upcaster, a new event type, a forgotten original); the "
                        + "ones accepted leave the quarantine.",
                "Inputs not kept (a source over its cap, or an endpoint without a token over its rate) are counted "
                        + "per source on stderr."})
final class RejectedCommand implements Callable<Integer> {

    /** Inputs retried per read of the quarantine. */
    private static final int PAGE = 500;

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "T", converter = CliValues.InstantConverter.class,
            description = "Only inputs rejected at or after T (ISO-8601 with Z or an offset).")
    Instant since;

    @Option(names = "--retry", description = "Submit the listed inputs again.")
    boolean retry;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (one object per line; with --retry, the summary).")
    Format format;

    private final ObjectMapper mapper;
    private final Provider<Database> database;
    private final Provider<EventStore> store;
    private final Inputs inputs;

    @Inject
    RejectedCommand(ObjectMapper mapper, Inputs inputs, Provider<Database> database, Provider<EventStore> store) {
        this.mapper = mapper;
        this.database = database;
        this.store = store;
        this.inputs = inputs;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Database db = database.get();
        for (Dropped d : db.quarantine().drops()) {
            spec.commandLine().getErr().printf("not kept from %s: %,d inputs, %,d bytes, the last at %s%n",
                    d.source(), d.inputs(), d.bytes(), d.lastDroppedAt());
        }
        if (retry) {
            Retried retried = retry(store.get(), db.quarantine());
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

    /**
     * Each input read again as its format says, and appended; what is accepted leaves the quarantine. Read page by
     * page, not in one transaction: a refused append would abort the transaction it ran in.
     */
    private Retried retry(EventStore store, Quarantine quarantine) {
        long[] n = new long[6]; // retried, stored, duplicates, skipped, conflicts, still rejected
        long after = 0;
        for (List<Rejection> page = quarantine.page(since, after, PAGE); !page.isEmpty();
             page = quarantine.page(since, after, PAGE)) {
            for (Rejection r : page) {
                n[0]++;
                retry(store, quarantine, r, n);
            }
            after = page.get(page.size() - 1).id();
        }
        return new Retried(n[0], n[1], n[2], n[3], n[4], n[5]);
    }

    private void retry(EventStore store, Quarantine quarantine, Rejection r, long[] n) {
        try {
            Parsed parsed = inputs.read(r.inputFormat(), r.input());
            if (parsed instanceof Accepted accepted) {
                String[] refused = {null};
                AppendResult result = store.append(List.of(accepted.event()), AppendOptions.DEFAULTS
                        .withMetadata(List.of(accepted.metadata())).withRefusals((reason, i) -> refused[0] = reason));
                if (refused[0] != null) {
                    n[5]++;
                    quarantine.rejectAgain(r.id(), Inputs.refused(refused[0]));
                    return;
                }
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
    }

    /** What --retry did; also its JSON shape. */
    record Retried(long retried, long stored, long duplicates, long skipped, long conflicts, long stillRejected) {
    }
}
