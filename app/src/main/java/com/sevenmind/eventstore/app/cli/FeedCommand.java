package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.FeedLines;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.app.projecting.Changes;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Feed;
import com.sevenmind.eventstore.store.FeedEntry;
import com.sevenmind.eventstore.store.FeedPosition;
import com.sevenmind.eventstore.store.LiveFeed;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "feed", mixinStandardHelpOptions = true,
        description = {"Prints every stored event of every user in feed order, one JSON object per line: the export "
                + "format plus \"position\". A forgotten user appears as {\"forgotten_user_hash\",\"forgotten_at\","
                + "\"position\"}. Nothing is skipped: an event shows once every transaction begun before it has ended.",
                "Resume with --after the last position printed. With --follow it keeps printing as events are "
                        + "committed, until interrupted (Ctrl-C or SIGTERM, exit code 0). See docs/feed.md."})
final class FeedCommand implements Callable<Integer> {

    /** How long a follower waits for a wake-up before it reads anyway: what a commit that notifies nothing costs. */
    static final Duration POLL = Duration.ofSeconds(1);

    /** The one format there is; named so that scripts can say what they expect. */
    enum FeedFormat {
        jsonl
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--after", paramLabel = "POSITION",
            description = "Start after this position (as printed in \"position\"); default: the beginning.")
    String after;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries, then exit.")
    Long limit;

    @Option(names = "--follow", description = "Keep printing as events are committed, until interrupted.")
    boolean follow;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "jsonl (the default).")
    FeedFormat format;

    private final FeedLines lines;
    private final ObjectMapper mapper;
    private final Provider<Database> database;

    @Inject
    FeedCommand(FeedLines lines, ObjectMapper mapper, Provider<Database> database) {
        this.lines = lines;
        this.mapper = mapper;
        this.database = database;
    }

    @Override
    public Integer call() {
        FeedPosition position = position();
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit " + limit + " is not a positive number");
        }
        Feed feed = database.get().feed();
        try {
            feed.check(position);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--after: " + e.getMessage());
        }
        if (!follow) {
            try {
                print(feed, position, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
        try (LiveFeed live = database.get().liveFeed(); Changes changes = Changes.ofEveryUser(live);
             SignalsInterrupt ignored = SignalsInterrupt.install()) {
            print(feed, position, changes);
            return 0;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    /**
     * Prints the entries after {@code position}, up to the limit: to the end of what is final, or, with
     * {@code changes}, on and on, reading again at each wake-up and at least every {@link #POLL}.
     */
    private void print(Feed feed, FeedPosition position, Changes changes) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        long left = limit == null ? Long.MAX_VALUE : limit;
        while (left > 0 && !out.checkError()) {
            Feed.Batch batch = feed.read(position, (int) Math.min(Feed.MAX_LIMIT, left));
            for (FeedEntry entry : batch.entries()) {
                Output.json(out, mapper, lines.line(entry));
            }
            out.flush();
            left -= batch.entries().size();
            position = batch.next();
            if (batch.entries().isEmpty()) {
                if (changes == null) {
                    return;
                }
                changes.await(POLL);
            }
        }
    }

    private FeedPosition position() {
        if (after == null) {
            return FeedPosition.START;
        }
        try {
            return FeedPosition.parse(after);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--after: " + e.getMessage());
        }
    }
}
