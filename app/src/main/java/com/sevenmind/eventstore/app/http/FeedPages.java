package com.sevenmind.eventstore.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.app.FeedLines;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.store.Feed;
import com.sevenmind.eventstore.store.FeedEntry;
import com.sevenmind.eventstore.store.FeedPosition;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /feed?after=&limit=}: a batch of the global feed, {@code {"events":[…],"next":"…"}}; and what
 * {@code GET /feed/stream} sends.
 */
final class FeedPages {

    static final List<String> PARAMETERS = List.of("after", "limit");
    /** Entries in a page when the request does not say. */
    static final int DEFAULT_LIMIT = 1_000;

    /** How often a stream reads again without a wake-up: what a commit that notifies nothing waits at most. */
    static final Duration POLL = Duration.ofSeconds(1);
    /** Entries a stream reads at a time. */
    private static final int STREAM_BATCH = 1_000;

    private static final AttributeKey<Long> LIMIT = AttributeKey.longKey("eventstore.feed.limit");
    private final Feed feed;
    private final Tracer tracer;
    private final FeedLines lines;
    private final ObjectMapper mapper;

    FeedPages(Feed feed, FeedLines lines, ObjectMapper mapper, Tracer tracer) {
        this.feed = feed;
        this.tracer = tracer;
        this.lines = lines;
        this.mapper = mapper;
    }

    Map<String, Object> page(Map<String, String> query) {
        FeedPosition after = position(query.get("after"), "after");
        int limit = HttpRequests.limit(query.getOrDefault("limit", String.valueOf(DEFAULT_LIMIT)), Feed.MAX_LIMIT);
        Feed.Batch batch = read(after, limit);
        List<ObjectNode> events = new ArrayList<>(batch.entries().size());
        for (FeedEntry entry : batch.entries()) {
            events.add(lines.line(entry));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("events", events);
        page.put("next", batch.next().toString());
        return page;
    }

    /**
     * The stream of {@code GET /feed/stream} after {@code after}: each entry an event with {@code id:} its position
     * (what a client sends back as {@code Last-Event-ID}), read on as entries become final, at each wake-up and at
     * least every {@link #POLL}.
     */
    LiveStreams.Source stream(FeedPosition after) {
        FeedPosition[] position = {after};
        return new LiveStreams.Source() {
            @Override
            public int send(PrintWriter out, boolean changed) {
                int sent = 0;
                while (true) {
                    Feed.Batch batch = read(position[0], STREAM_BATCH);
                    for (FeedEntry entry : batch.entries()) {
                        out.print("id: " + entry.position() + "\ndata: ");
                        Output.json(out, mapper, lines.line(entry));
                        out.print("\n");
                    }
                    sent += batch.entries().size();
                    position[0] = batch.next();
                    if (batch.entries().size() < STREAM_BATCH || out.checkError()) {
                        return sent;
                    }
                    out.flush();
                }
            }

            @Override
            public Duration recheck() {
                return POLL;
            }
        };
    }

    /**
     * The position {@code text} names ({@code null}: the beginning), of the feed's epoch; else 400 naming
     * {@code source}, the parameter or header it came in.
     */
    FeedPosition position(String text, String source) {
        try {
            FeedPosition position = text == null || text.isEmpty() ? FeedPosition.START : FeedPosition.parse(text);
            feed.check(position);
            return position;
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, source + ": " + e.getMessage());
        }
    }

    /** A batch of the feed, read in a span as the projections' reads are. */
    private Feed.Batch read(FeedPosition after, int limit) {
        return Tracing.selectEvents(tracer, span -> span.setAttribute(LIMIT, (long) limit), span -> {
            Feed.Batch batch = feed.read(after, limit);
            span.setAttribute(Tracing.EVENTS, (long) batch.entries().size());
            return batch;
        });
    }

}
