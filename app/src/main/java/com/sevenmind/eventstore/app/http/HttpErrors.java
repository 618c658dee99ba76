package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.ErrorMessages;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself (a request it cannot parse, headers over its limit) in this API's shape,
 * {@code {"error":"<one line>"}}, instead of Jetty's HTML page.
 */
final class HttpErrors extends ErrorHandler {

    private final ObjectMapper mapper;

    HttpErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, body(code, message), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return body(status, reason);
    }

    private ByteBuffer body(int status, String message) {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        try {
            return ByteBuffer.wrap((mapper.writeValueAsString(Map.of("error", ErrorMessages.cut(text))) + "\n")
                    .getBytes(UTF_8));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write an error as JSON", e);
        }
    }
}
