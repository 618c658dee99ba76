package com.sevenmind.eventstore.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.store.StoreException;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers that answer requests: a fixed pool behind a bounded queue, so that when both are full a request is
 * answered 503 at once instead of waiting without bound; and what each failure of an answer tells the client.
 */
final class HttpWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(HttpWorkers.class);
    /** How long a stop waits for the requests already taken to be answered. */
    static final long STOP_SECONDS = 10;

    private final ThreadPoolExecutor pool;
    private final ObjectMapper mapper;
    private final boolean verbose;

    HttpWorkers(int threads, int queue, ObjectMapper mapper, boolean verbose) {
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                Worker::new, new ThreadPoolExecutor.AbortPolicy());
        this.mapper = mapper;
        this.verbose = verbose;
    }

    /**
     * Runs {@code answer} on a worker and sends what it gives; 503 at once when every worker and the queue are busy.
     * Whatever {@code answer} throws, an {@link Error} too, is answered: an exchange left unanswered would hold its
     * connection for good.
     */
    void work(HttpExchange exchange, Supplier<HttpAnswer> answer) {
        try {
            pool.execute(() -> {
                try (Scope ignored = exchange.trace.makeCurrent()) {
                    HttpAnswer answered = answer(answer, exchange.method + " " + exchange.route(), verbose);
                    if (answered.status() == 429) {
                        exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
                    }
                    answered.send(exchange, mapper);
                }
            });
        } catch (RejectedExecutionException e) {
            exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
            if (pool.isShutdown()) {
                // Its body came in after the stop began: it is not taken, so another instance may take it.
                exchange.setHeader(HttpHeader.CONNECTION, "close");
            }
            HttpAnswer.error(503, pool.isShutdown() ? HttpApi.SHUTTING_DOWN : "server busy, try again")
                    .reply(exchange, mapper);
        }
    }

    /**
     * What {@code answer} gives, or what its failure tells the client; a failure of ours is logged on one line naming
     * {@code request} (a method and a route template: never a user's id), with its stack trace at debug or verbose.
     */
    static HttpAnswer answer(Supplier<HttpAnswer> answer, String request, boolean verbose) {
        try {
            return answer.get();
        } catch (HttpError e) {
            return HttpAnswer.error(e.status(), e.getMessage());
        } catch (StoreException e) {
            // The database is down or failing: nothing is acknowledged, so Pub/Sub delivers the push again.
            LOG.warn("{}: {}", request, ErrorMessages.describe(e));
            return HttpAnswer.error(503, HttpApi.DATABASE_UNAVAILABLE);
        } catch (Throwable e) { // an Error too (a stack overflow): the exchange must be answered
            if (verbose) {
                LOG.warn("{} failed", request, e);
            } else {
                LOG.warn("{} failed: {}", request, ErrorMessages.describe(e));
                LOG.debug("{} failed", request, e);
            }
            return HttpAnswer.error(500, "internal error: " + ErrorMessages.describe(e));
        }
    }

    /** Answers the requests already taken, waiting at most until {@code deadline} ({@link System#nanoTime}), then stops. */
    void stop(long deadline) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("stopping with requests still running after {} s", STOP_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A thread of the worker pool. */
    private static final class Worker extends Thread {

        private static final AtomicInteger COUNT = new AtomicInteger();

        Worker(Runnable task) {
            super(task, "http-worker-" + COUNT.incrementAndGet());
            // The serve command's main thread keeps the process alive; workers must not hold up its exit.
            setDaemon(true);
        }
    }
}
