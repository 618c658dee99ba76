package com.sevenmind.eventstore.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.store.StoreException;
import io.opentelemetry.context.Scope;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers that answer requests, as Jetty's {@link QoSHandler}: at most {@code threads} requests are answered at
 * once, on Jetty's threads, and {@code queue} more wait for one without a thread; past that a request is answered 503
 * at once instead of waiting without bound. And what each failure of an answer tells the client.
 *
 * <p>A request comes here only once its head and body have arrived ({@link HttpBody}), so a slow client holds no
 * worker. A stream is no work for them: it holds its exchange for its whole life, under a cap of its own
 * ({@link LiveStreams}), and is answered by {@link #now}.
 */
final class HttpWorkers extends QoSHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HttpWorkers.class);
    /** How long a stop waits for the requests already taken to be answered. */
    static final long STOP_SECONDS = 10;
    /** The request's attribute that holds its {@link Work}, for the handler the QoSHandler lets it through to. */
    private static final String WORK = HttpWorkers.class.getName() + ".work";

    /** A request let through: its exchange, and what answers it. */
    private record Work(HttpExchange exchange, Supplier<HttpAnswer> answer) {
    }

    private final ObjectMapper mapper;
    private final boolean verbose;
    private volatile boolean stopped;

    HttpWorkers(int threads, int queue, ObjectMapper mapper, boolean verbose) {
        super(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Work work = (Work) request.getAttribute(WORK);
                now(work.exchange(), work.answer(), mapper, verbose);
                return true;
            }
        });
        setMaxRequestCount(threads);
        setMaxSuspendedRequestCount(queue);
        this.mapper = mapper;
        this.verbose = verbose;
    }

    /**
     * Runs {@code answer} when a worker is free and sends what it gives; 503 at once when every worker and the queue
     * are busy.
     */
    void work(HttpExchange exchange, Supplier<HttpAnswer> answer) {
        if (stopped) {
            // Its body came in after the stop began: it is not taken, so another instance may take it.
            exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
            exchange.setHeader(HttpHeader.CONNECTION, "close");
            HttpAnswer.error(503, HttpApi.SHUTTING_DOWN).reply(exchange, mapper);
            return;
        }
        exchange.request.setAttribute(WORK, new Work(exchange, answer));
        try {
            handle(exchange.request, exchange.response, exchange.callback);
        } catch (Exception e) { // the handler let through answers whatever happens; QoSHandler declares it
            HttpAnswer.error(500, "internal error: " + ErrorMessages.describe(e)).reply(exchange, mapper);
        }
    }

    /** Runs {@code answer} on this thread, outside the workers' limit, and sends what it gives. */
    void now(HttpExchange exchange, Supplier<HttpAnswer> answer) {
        now(exchange, answer, mapper, verbose);
    }

    /**
     * Whatever {@code answer} throws, an {@link Error} too, is answered: an exchange left unanswered would hold its
     * connection for good.
     */
    private static void now(HttpExchange exchange, Supplier<HttpAnswer> answer, ObjectMapper mapper,
                            boolean verbose) {
        try (Scope ignored = exchange.trace.makeCurrent()) {
            HttpAnswer answered = answer(answer, exchange.method + " " + exchange.route(), verbose);
            if (answered.status() == 429) {
                exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
            }
            answered.send(exchange, mapper);
        }
    }

    /** Every worker and the queue are busy. */
    @Override
    protected void reject(Request request, Response response, Callback callback, int status) {
        HttpExchange exchange = ((Work) request.getAttribute(WORK)).exchange();
        exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
        HttpAnswer.error(503, "server busy, try again").reply(exchange, mapper);
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

    /** From now on a request whose body comes in is refused: the server is stopping. */
    void stopTaking() {
        stopped = true;
    }
}
