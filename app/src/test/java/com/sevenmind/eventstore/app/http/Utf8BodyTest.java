package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.app.http.ServeTest.Served;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bodies that are not UTF-8, on every way in (issue 21, finding 4): they used to be decoded with replacement and
 * stored with U+FFFD, so that two different inputs could become duplicates. Now each is refused 400 naming the byte,
 * and quarantined as import keeps a line that is not UTF-8; a body declared in another charset is refused 415.
 */
class Utf8BodyTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** Where the bad bytes go in each body below. */
    private static final String MARK = "@";
    private static final byte[] INVALID = {(byte) 0xFF};
    /** U+D800 as CESU-8 writes it: a lone surrogate, which UTF-8 has no bytes for. */
    private static final byte[] SURROGATE = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
    private static final String JSON = "Content-Type: application/json";

    private static Served served;

    @BeforeAll
    static void start() {
        served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    private static String track() {
        return ServeTest.track("Content Piece Started", "2024-05-01T10:00:00Z", "s-" + MARK);
    }

    /** Each way in, with a body holding {@link #MARK} where the bad bytes go, and the headers it needs. */
    static Stream<Arguments> ways() {
        String line = "{\"event_type\":\"ContentPieceStarted\",\"unique_id\":\"u-1\",\"user_id\":"
                + "\"6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11\",\"session_id\":\"s-" + MARK + "\",\"timestamp\":"
                + "\"2024-05-01T10:00:00Z\",\"timezone\":\"Europe/Berlin\",\"locale\":\"de-DE\",\"object_uri\":"
                + "\"sevenmind://content/single/abc12/recording/xyz34\"}";
        return Stream.of(
                Arguments.of("/events", "[" + line + "]", JSON),
                Arguments.of("/pubsub/push", ServeTest.push("m-1", ServeTest.track("Content Piece Started",
                        "2024-05-01T10:00:00Z", "s-1")).replace("eventstore", "e" + MARK), JSON),
                Arguments.of("/pubsub/push", track(), JSON + "\r\nx-goog-pubsub-message-id: m-2"),
                Arguments.of("/v1/track", track(), JSON),
                Arguments.of("/v1/batch", "{\"batch\":[" + track() + "]}", JSON));
    }

    /** {@code body} as UTF-8 with {@code bad} in place of {@link #MARK}. */
    private static byte[] spoiled(String body, byte[] bad) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        int at = body.indexOf(MARK); // the text before the mark is ASCII: its characters are its bytes
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.write(bad);
        out.write(bytes, at + 1, bytes.length - at - 1);
        return out.toByteArray();
    }

    private static String post(String path, byte[] body, String headers) throws IOException {
        return ServeGuardsTest.statusAndBody(ServeGuardsTest.exchangeBytes(served.base(), "POST " + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n", body));
    }

    private static List<String> quarantined() {
        List<String> kept = new ArrayList<>();
        db.database().quarantine().list(null, (Rejection r) -> kept.add(r.source() + ": " + r.reason()));
        return kept;
    }

    @ParameterizedTest
    @MethodSource("ways")
    void a_body_with_a_byte_that_is_not_utf8_is_refused_400_naming_the_byte_and_quarantined(String path, String body,
            String headers) throws IOException {
        long at = body.indexOf(MARK) + 1;

        assertEquals("400 {\"error\":\"request body: invalid UTF-8 at byte " + at + "\"}",
                post(path, spoiled(body, INVALID), headers));
        assertEquals("400 {\"error\":\"request body: invalid UTF-8 at byte " + at + "\"}",
                post(path, spoiled(body, SURROGATE), headers), "a lone surrogate in bytes");
        assertEquals(0, db.store().count());
        String kept = "http POST " + path + ": invalid UTF-8 at byte " + at
                + " (kept with each invalid byte replaced by U+FFFD)";
        assertEquals(List.of(kept), quarantined().stream().distinct().toList());
    }

    @ParameterizedTest
    @MethodSource("ways")
    void a_body_declared_in_a_charset_other_than_utf8_is_refused_415(String path, String body, String headers)
            throws IOException {
        byte[] plain = body.replace(MARK, "1").getBytes(UTF_8);

        assertEquals("415 {\"error\":\"charset 'latin1' is not accepted: send UTF-8 (charset=utf-8, or no charset)\"}",
                post(path, plain, headers.replace(JSON, JSON + "; charset=latin1")));
        assertEquals(200, ServeGuardsTest.status(ServeGuardsTest.exchangeBytes(served.base(), "POST " + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.replace(JSON, JSON + "; charset=\"UTF-8\"") + "\r\n",
                plain)));
        assertEquals(0, quarantined().size());
    }

    @Test
    void push_data_that_is_not_utf8_is_quarantined_naming_the_byte() throws IOException {
        String data = Base64.getEncoder().encodeToString(new byte[] {'{', (byte) 0xC3, '}'});
        String body = "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"m-3\"}}";

        assertEquals("200 {\"result\":\"quarantined\",\"reason\":\"field message.data is not UTF-8 text: invalid UTF-8 "
                + "at byte 2 of its decoded bytes\"}", post("/pubsub/push", body.getBytes(UTF_8), JSON));
        assertEquals(0, db.store().count());
    }
}
