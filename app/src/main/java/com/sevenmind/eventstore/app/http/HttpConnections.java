package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 connections, capped and with deadlines. Jetty's idle timeout is reset by every byte, so a client that
 * trickles a byte a second would never meet it; and Jetty has no deadline for a whole request head. So each connection
 * here gets one: its request line and headers must arrive within the head timeout of its opening or of the end of the
 * previous answer ({@link HttpBody} gives a body a deadline of its own). Past the cap a new connection is
 * answered 503 at once and closed, instead of waiting unanswered in the accept queue.
 */
final class HttpConnections extends HttpConnectionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnections.class);

    private final int max;
    private final Duration headTimeout;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<Connection, Deadline> deadlines = new ConcurrentHashMap<>();

    HttpConnections(HttpConfiguration configuration, int max, Duration headTimeout) {
        super(configuration);
        this.max = max;
        this.headTimeout = headTimeout;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return new Refusal(endPoint, connector, max);
        }
        Connection connection = super.newConnection(connector, endPoint);
        Deadline deadline = new Deadline(endPoint, connector.getScheduler());
        deadlines.put(connection, deadline);
        connection.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection c) {
                deadline.arm(headTimeout, "no whole request line and headers");
            }

            @Override
            public void onClosed(Connection c) {
                deadline.cancel();
                deadlines.remove(c);
                open.decrementAndGet();
            }
        });
        return connection;
    }

    /** The request's head has arrived: no deadline while it is handled; the next head's starts when it is answered. */
    void handling(Request request) {
        Deadline deadline = deadlines.get(request.getConnectionMetaData().getConnection());
        if (deadline != null) {
            deadline.cancel();
            Request.addCompletionListener(request, failure -> deadline.arm(headTimeout,
                    "no whole request line and headers"));
        }
    }

    /** When a connection is closed unless it got further. */
    private static final class Deadline {

        private final EndPoint endPoint;
        private final Scheduler scheduler;
        private Scheduler.Task task;

        Deadline(EndPoint endPoint, Scheduler scheduler) {
            this.endPoint = endPoint;
            this.scheduler = scheduler;
        }

        synchronized void arm(Duration timeout, String missing) {
            cancel();
            task = scheduler.schedule(() -> {
                LOG.info("closing the connection from {}: {} within {} s", endPoint.getRemoteSocketAddress(), missing,
                        timeout.toMillis() / 1000.0);
                endPoint.close();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        synchronized void cancel() {
            if (task != null) {
                task.cancel();
                task = null;
            }
        }
    }

    /**
     * A connection past the cap: answered 503 at once, then read to its end so that the client sees the answer rather
     * than a reset, for at most the connector's idle timeout.
     */
    private static final class Refusal extends AbstractConnection {

        private final ByteBuffer answer;
        private final ByteBuffer sink = BufferUtil.allocate(4096);
        private final int max;

        Refusal(EndPoint endPoint, Connector connector, int max) {
            super(endPoint, connector.getExecutor());
            this.max = max;
            String body = "{\"error\":\"too many connections (" + max + "), try again later\"}\n";
            answer = ByteBuffer.wrap(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    + "Retry-After: 1\r\nConnection: close\r\nContent-Length: " + body.getBytes(UTF_8).length
                    + "\r\n\r\n" + body).getBytes(UTF_8));
        }

        @Override
        public void onOpen() {
            super.onOpen();
            LOG.info("refusing a connection from {}: {} are open", getEndPoint().getRemoteSocketAddress(), max);
            getEndPoint().write(Callback.from(() -> {
                getEndPoint().shutdownOutput();
                fillInterested();
            }, failure -> close()), answer);
        }

        @Override
        public void onFillable() {
            try {
                while (true) {
                    BufferUtil.clear(sink);
                    int n = getEndPoint().fill(sink);
                    if (n < 0) {
                        close();
                        return;
                    }
                    if (n == 0) {
                        fillInterested();
                        return;
                    }
                }
            } catch (Exception e) {
                close();
            }
        }
    }
}
