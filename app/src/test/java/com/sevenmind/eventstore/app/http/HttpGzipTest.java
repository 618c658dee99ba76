package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.http.ServeTest.Served;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gzip bodies that used to take a worker down (issue 21, finding 1): a megabyte of empty members made
 * {@code GZIPInputStream} recurse once per member until the stack overflowed, and the request was never answered,
 * so its connection stayed open for good. And whatever a request throws, an {@link Error} too, is answered.
 */
class HttpGzipTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final String FORM = "Content-Type: application/x-www-form-urlencoded";

    private static byte[] concat(byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part);
        }
        return out.toByteArray();
    }

    /** The body: one member with an empty batch, then 52,000 empty members (about 1 MB). */
    private static byte[] manyEmptyMembers() throws IOException {
        byte[] empty = RudderStackApiTest.gzip("");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(RudderStackApiTest.gzip("{\"batch\":[]}"));
        for (int i = 0; i < 52_000; i++) {
            out.write(empty);
        }
        return out.toByteArray();
    }

    @Test
    void a_body_of_52000_empty_gzip_members_is_answered_400_naming_the_limit_and_frees_its_connection()
            throws Exception {
        byte[] body = manyEmptyMembers();
        assertTrue(body.length < 1 << 20, body.length + " bytes");
        // Two connections at most: had a request kept its connection, the third one, and /livez, would get 503.
        try (Served served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0)
                .withLimits(2, 16, 1 << 20, 2, 2))) {
            for (int i = 0; i < 3; i++) {
                String answer = ServeGuardsTest.exchangeBytes(served.base(), "POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + FORM + "\r\nContent-Encoding: gzip\r\n", body);
                assertEquals("400 {\"error\":\"request body has more than 64 gzip members, the limit\"}",
                        ServeGuardsTest.statusAndBody(answer));
            }
            long closed = System.nanoTime();
            int status;
            while ((status = ServeGuardsTest.status(ServeGuardsTest.get(served.base(), "/livez"))) != 200
                    && System.nanoTime() - closed < 5e9) {
                Thread.onSpinWait();
            }
            assertEquals(200, status, "the connections were freed");
        }
    }

    @Test
    void members_up_to_the_limit_are_read_as_one_body() throws IOException {
        byte[][] members = new byte[HttpGzip.MAX_MEMBERS][];
        members[0] = RudderStackApiTest.gzip("{\"batch\":");
        members[1] = RudderStackApiTest.gzip("[]}");
        Arrays.fill(members, 2, members.length, RudderStackApiTest.gzip(""));

        HttpBody.Read read = HttpGzip.inflate(concat(members), 100);

        assertEquals("{\"batch\":[]}", new String(read.bytes(), UTF_8));
        assertFalse(read.over());
        assertTrue(HttpGzip.inflate(RudderStackApiTest.gzip("x".repeat(101)), 100).over());
    }

    @Test
    void a_body_that_is_not_whole_gzip_is_400_saying_what_is_wrong() throws IOException {
        byte[] member = RudderStackApiTest.gzip("{\"batch\":[]}");
        byte[] badChecksum = member.clone();
        badChecksum[member.length - 8] ^= 1;

        assertEquals(List.of("request body is not valid gzip: no gzip header at byte 1",
                        "request body is not valid gzip: it ends inside a compressed block",
                        "request body is not valid gzip: a member's checksum or length does not match its data",
                        "request body is not valid gzip: no gzip header at byte " + (member.length + 1)),
                List.of("not gzip".getBytes(UTF_8), Arrays.copyOf(member, member.length - 10), badChecksum,
                                concat(member, "tail".getBytes(UTF_8))).stream()
                        .map(bytes -> assertThrows(HttpError.class, () -> HttpGzip.inflate(bytes, 100)).getMessage())
                        .toList());
    }

    @Test
    void an_error_thrown_while_answering_is_answered_500_and_logged_on_one_line_without_a_stack_trace() {
        try (LogLines log = new LogLines()) {
            HttpAnswer answer = HttpWorkers.answer(() -> {
                throw new StackOverflowError();
            }, "POST /v1/batch", false);

            assertEquals(new HttpAnswer(500, java.util.Map.of("error",
                    "internal error: StackOverflowError (run with --verbose for details)")), answer);
            List<LogLines.Line> warnings = log.lines().stream().filter(l -> l.level().equals("WARN")).toList();
            assertEquals(List.of(new LogLines.Line("WARN",
                    "POST /v1/batch failed: StackOverflowError (run with --verbose for details)", false)), warnings);
        }
    }
}
