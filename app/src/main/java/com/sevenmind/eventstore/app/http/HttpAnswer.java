package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.app.Output;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A status and the value to write as its JSON body (or a page's file), and the two ways to send it. */
record HttpAnswer(int status, Object body) {

    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswer.class);

    /**
     * What a read answers when it has answered itself: a live stream that took the exchange over, or a projection
     * written while its states are leased to it. It answers, and completes the exchange.
     */
    static final HttpAnswer STREAMING = new HttpAnswer(200, "streaming");
    /** A HEAD of a live stream: its headers are set; nothing follows them. */
    static final HttpAnswer STREAMING_HEAD = new HttpAnswer(200, "streaming");

    static HttpAnswer error(int status, String message) {
        return new HttpAnswer(status, Map.of("error", message));
    }

    /**
     * Sends this from a worker, blocking: a large view (a long history) streams out as it is written, never held
     * whole. Jetty drops the body of an answer to HEAD.
     */
    void send(HttpExchange exchange, ObjectMapper mapper) {
        if (this == STREAMING) {
            return;
        }
        Response response = exchange.response;
        try {
            if (this == STREAMING_HEAD) {
                Content.Sink.write(response, true, null);
            } else if (body instanceof Inspector.Asset asset) {
                response.setStatus(status);
                exchange.setHeader(HttpHeader.CONTENT_TYPE, asset.contentType());
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
                Content.Sink.write(response, true, ByteBuffer.wrap(asset.bytes()));
            } else {
                response.setStatus(status);
                exchange.setHeader(HttpHeader.CONTENT_TYPE, "application/json");
                PrintWriter out = new PrintWriter(new OutputStreamWriter(Content.Sink.asOutputStream(response), UTF_8));
                Output.json(out, mapper, body);
                out.close();
                if (out.checkError()) {
                    throw new IOException("the client went away");
                }
            }
            exchange.callback.succeeded();
        } catch (Throwable e) { // mostly the client going away; whatever it is, the exchange must end
            LOG.info("{} {}: answer not sent: {}", exchange.method, exchange.route(), ErrorMessages.describe(e));
            exchange.callback.failed(e);
        }
    }

    /** Sends this short answer without waiting for it to be written: from Jetty's threads, which must never wait. */
    void reply(HttpExchange exchange, ObjectMapper mapper) {
        byte[] bytes;
        try {
            bytes = (mapper.writeValueAsString(body) + "\n").getBytes(UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write an answer as JSON", e);
        }
        exchange.response.setStatus(status);
        exchange.setHeader(HttpHeader.CONTENT_TYPE, "application/json");
        exchange.response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        exchange.response.write(true, ByteBuffer.wrap(bytes), exchange.callback);
    }
}
