package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.app.http.HttpRequests.ProjectRequest;
import com.sevenmind.eventstore.app.projecting.Projected;
import com.sevenmind.eventstore.app.projecting.UserProjections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The re-reads of live streams, shared between the streams of one request (a user's projections with the same
 * options). Each stream wakes for a change on its own; the first to read after it woke reads, and a stream that wakes
 * no later than that read began takes its result, which holds every change the stream was told of. So one change to a
 * user watched by 64 streams costs about one read, not 64, and the pushes of other users keep the database's time.
 *
 * <p>What is shared is the answer's JSON text, written while the read holds its states: the streams send text, never a
 * view whose state another read may fold on.
 */
final class SharedReads {

    /** The last read of a request, and how many open streams ask for it. */
    private static final class Last {
        private int streams;
        private long startedAt;
        private String result;
    }

    private final UserProjections userProjections;
    private final Function<Projected, String> json;
    private final Map<ProjectRequest, Last> reads = new HashMap<>();

    SharedReads(UserProjections userProjections, Function<Projected, String> json) {
        this.userProjections = userProjections;
        this.json = json;
    }

    /** A stream of {@code request} opens: it reads through {@link #read} until {@link #close}. */
    synchronized void open(ProjectRequest request) {
        reads.computeIfAbsent(request, r -> new Last()).streams++;
    }

    synchronized void close(ProjectRequest request) {
        Last last = reads.get(request);
        if (--last.streams == 0) {
            reads.remove(request);
        }
    }

    /**
     * The projections' JSON as read at or after {@code since} ({@link System#nanoTime()}): by another stream's read that
     * began since then, or else read now; while one stream reads, the others of its request wait for its result.
     */
    String read(ProjectRequest request, long since) {
        Last last;
        synchronized (this) {
            last = reads.get(request);
        }
        synchronized (last) {
            if (last.result == null || last.startedAt - since < 0) {
                long startedAt = System.nanoTime();
                last.result = request.read(userProjections, json);
                last.startedAt = startedAt;
            }
            return last.result;
        }
    }
}
