package com.sevenmind.eventstore.app.http;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Stands in for Google's key endpoint on 127.0.0.1: serves the public halves of the keys it is given. */
public final class JwksServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String body = new JWKSet().toString();
    private volatile int status = 200;
    private volatile Duration trickle;

    public JwksServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/oauth2/v3/certs", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                Duration pause = trickle;
                if (pause == null) {
                    out.write(bytes);
                }
                for (int i = 0; pause != null && i < bytes.length; i++) {
                    out.write(bytes[i]);
                    out.flush();
                    Thread.sleep(pause.toMillis()); // the slowness this key server stands for
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // A thread per request: a trickled answer must not hold up the next request.
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "jwks-server");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** From now on the endpoint lists these keys, without their private parts. */
    public JwksServer publish(JWK... keys) {
        body = new JWKSet(List.of(keys)).toPublicJWKSet().toString();
        status = 200;
        return this;
    }

    /** From now on the endpoint answers this status and body, as a broken mirror might. */
    void answer(int status, String body) {
        this.status = status;
        this.body = body;
    }

    /** From now on the endpoint sends its answer one byte every {@code pause}, as a slow or hostile mirror might. */
    void trickle(Duration pause) {
        this.trickle = pause;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/v3/certs");
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
