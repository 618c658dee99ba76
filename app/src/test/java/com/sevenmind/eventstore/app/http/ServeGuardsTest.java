package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.http.ServeTest.Served;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@code serve} refuses, and how it stays up: request checks, tokens, HEAD, and slow or silent clients, through
 * raw sockets, since a real client's Host and timing are what is tested.
 */
class ServeGuardsTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");
    private static final HttpApi.Settings SETTINGS = HttpApi.Settings.of("127.0.0.1", 0);

    private static Served served;

    @BeforeAll
    static void start() {
        served = ServeTest.serve(db.database(), SETTINGS);
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    @BeforeEach
    void clear() {
        db.clear();
    }

    /**
     * A request as sent, with {@code Connection: close}; the answer as received, head and body, checked against the
     * API's OpenAPI document.
     */
    static String exchange(URI base, String head, String body) throws IOException {
        return exchangeBytes(base, head, body == null ? null : body.getBytes(UTF_8));
    }

    /** As above, with a body of any bytes. */
    static String exchangeBytes(URI base, String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((head + "Connection: close\r\n"
                    + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n").getBytes(UTF_8));
            if (body != null) {
                socket.getOutputStream().write(body);
            }
            String answer = new String(socket.getInputStream().readAllBytes(), UTF_8);
            ApiContract.checkRaw(head, answer);
            return answer;
        }
    }

    static String get(URI base, String path, String... headers) throws IOException {
        return exchange(base, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines(headers), null);
    }

    static String post(URI base, String path, String body, String... headers) throws IOException {
        return exchange(base, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines(headers), body);
    }

    static String lines(String... headers) {
        StringBuilder lines = new StringBuilder();
        for (String header : headers) {
            lines.append(header).append("\r\n");
        }
        return lines.toString();
    }

    /** "status body", the body's last line. */
    static String statusAndBody(String answer) {
        String status = answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4);
        return status + " " + answer.substring(answer.indexOf("\r\n\r\n") + 4).strip();
    }

    static String header(String answer, String name) {
        for (String line : answer.substring(0, answer.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return null;
    }

    private static String events() {
        return "[" + new com.sevenmind.eventstore.codec.EventCodec(com.sevenmind.eventstore.api.Json.newObjectMapper())
                .toLine(TestEvents.started(USER, "1", Instant.parse("2024-05-01T10:00:00Z")), false) + "]";
    }

    private static List<Rejection> quarantined() {
        List<Rejection> rejections = new ArrayList<>();
        db.database().quarantine().list(null, rejections::add);
        return rejections;
    }

    // --- cross-site requests and DNS rebinding

    @Test
    void a_write_that_is_not_declared_json_is_refused_415_with_nothing_stored_or_quarantined() throws Exception {
        assertEquals("415 {\"error\":\"Content-Type must be application/json, was 'text/plain'\"}",
                statusAndBody(post(served.base(), "/events", events(), "Content-Type: text/plain")));
        assertEquals("415 {\"error\":\"Content-Type must be application/json, was "
                        + "'application/x-www-form-urlencoded'\"}",
                statusAndBody(post(served.base(), "/pubsub/push", "{}",
                        "Content-Type: application/x-www-form-urlencoded")));
        assertEquals("415 {\"error\":\"Content-Type must be application/json, was none\"}",
                statusAndBody(post(served.base(), "/events", events())));
        assertEquals(0, db.store().count());
        assertEquals(List.of(), quarantined());

        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0}", statusAndBody(post(served.base(),
                "/events", events(), "Content-Type: application/json; charset=utf-8")));
        assertEquals("200 {\"stored\":0,\"duplicates\":1,\"conflicts\":0}", statusAndBody(post(served.base(),
                "/events", events(), "Content-Type: Application/Vnd.Example+JSON")));
    }

    @Test
    void a_host_or_origin_that_is_not_allowed_is_refused_403() throws Exception {
        String rebound = exchange(served.base(), "GET /users HTTP/1.1\r\nHost: evil.example:" + served.base().getPort()
                + "\r\n", null);
        assertEquals("403 {\"error\":\"Host 'evil.example:" + served.base().getPort()
                + "' is not allowed; see --allowed-hosts\"}", statusAndBody(rebound));
        assertEquals("403 {\"error\":\"Host 'evil.example' is not allowed; see --allowed-hosts\"}", statusAndBody(
                exchange(served.base(), "GET /health HTTP/1.1\r\nHost: evil.example\r\n", null)));
        assertEquals("403 {\"error\":\"Origin 'http://evil.example' is not allowed; see --allowed-hosts\"}",
                statusAndBody(post(served.base(), "/events", events(), "Content-Type: application/json",
                        "Origin: http://evil.example")));
        assertEquals("403 {\"error\":\"Origin 'null' is not allowed; see --allowed-hosts\"}",
                statusAndBody(post(served.base(), "/events", events(), "Content-Type: application/json",
                        "Origin: null")));
        assertEquals(0, db.store().count());

        // The names this machine reaches itself by, with any port; an IPv6 address in brackets.
        for (String host : List.of("localhost", "LOCALHOST:8080", "127.0.0.1:1", "[::1]:" + served.base().getPort())) {
            assertEquals("200 {\"status\":\"ok\"}", statusAndBody(exchange(served.base(),
                    "GET /health HTTP/1.1\r\nHost: " + host + "\r\n", null)), host);
        }
        assertEquals("200 {\"stored\":1,\"duplicates\":0,\"conflicts\":0}", statusAndBody(post(served.base(),
                "/events", events(), "Content-Type: application/json",
                "Origin: http://localhost:" + served.base().getPort())));
    }

    @Test
    void allowed_hosts_name_the_hosts_or_allow_any() throws Exception {
        try (Served named = ServeTest.serve(db.database(), SETTINGS.withHosts(List.of("events.example.com")));
             Served any = ServeTest.serve(db.database(), SETTINGS.withHosts(List.of("*")))) {
            assertEquals("200 {\"status\":\"ok\"}", statusAndBody(exchange(named.base(),
                    "GET /health HTTP/1.1\r\nHost: Events.Example.com\r\nOrigin: https://events.example.com\r\n",
                    null)));
            assertEquals("403 {\"error\":\"Host '127.0.0.1' is not allowed; see --allowed-hosts\"}",
                    statusAndBody(get(named.base(), "/health")));
            assertEquals("200 {\"status\":\"ok\"}", statusAndBody(exchange(any.base(),
                    "GET /health HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n", null)));
        }
    }

    // --- tokens

    @Test
    void with_tokens_every_read_but_health_and_the_page_needs_the_read_or_the_write_token() throws Exception {
        String projections = "/users/" + USER + "/projections";
        String refused = "401 {\"error\":\"missing or wrong bearer token\"}";
        try (Served guarded = ServeTest.serve(db.database(), SETTINGS.withTokens("w-s3cret", "r-s3cret"))) {
            for (String path : List.of(projections, "/users", "/projections", projections + "/stats/live")) {
                String answer = get(guarded.base(), path);
                assertEquals(refused, statusAndBody(answer), path);
                assertEquals("Bearer", header(answer, "WWW-Authenticate"));
                assertEquals(refused, statusAndBody(get(guarded.base(), path, "Authorization: Bearer r-s3cre")));
            }
            assertEquals(200, status(get(guarded.base(), projections, "Authorization: Bearer r-s3cret")));
            assertEquals(200, status(get(guarded.base(), projections, "Authorization: bearer w-s3cret")));
            assertEquals(200, status(get(guarded.base(), projections + "?access_token=r-s3cret")));
            assertEquals(200, status(get(guarded.base(), "/users?limit=1&access_token=w-s3cret")));
            assertEquals(refused, statusAndBody(get(guarded.base(), "/users?access_token=nope")));
            assertEquals("200 {\"status\":\"ok\"}", statusAndBody(get(guarded.base(), "/health")));
            assertEquals(200, status(get(guarded.base(), "/")));
            assertEquals(200, status(get(guarded.base(), "/inspector/inspector.js")));

            // The read token reads; only the write token writes.
            assertEquals(refused, statusAndBody(post(guarded.base(), "/events", events(),
                    "Content-Type: application/json", "Authorization: Bearer r-s3cret")));
            assertEquals(200, status(post(guarded.base(), "/events", events(), "Content-Type: application/json",
                    "Authorization: Bearer w-s3cret")));
        }
        try (Served writeOnly = ServeTest.serve(db.database(), SETTINGS.withTokens("w-s3cret", null))) {
            assertEquals(refused, statusAndBody(get(writeOnly.base(), "/users")));
            assertEquals(200, status(get(writeOnly.base(), "/users", "Authorization: Bearer w-s3cret")));
        }
    }

    static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    // --- HEAD

    @Test
    void head_answers_every_get_route_with_its_status_and_headers_and_no_body() throws Exception {
        db.store().append(TestEvents.started(USER, "1", Instant.parse("2024-05-01T10:00:00Z")));
        for (String path : List.of("/health", "/users", "/projections", "/", "/inspector/inspector.css",
                "/users/" + USER + "/projections", "/users/" + USER + "/projections/stats/live", "/users/me/projections",
                "/nope")) {
            String head = exchange(served.base(), "HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n", null);
            String get = path.endsWith("/live") ? null : get(served.base(), path);

            assertEquals("", head.substring(head.indexOf("\r\n\r\n") + 4), path + ": no body");
            if (get != null) {
                assertEquals(status(get), status(head), path);
                assertEquals(header(get, "Content-Type"), header(head, "Content-Type"), path);
            } else {
                assertEquals(200, status(head), path);
                assertEquals("text/event-stream", header(head, "Content-Type"), path);
            }
        }
    }

    // --- the smaller refusals

    @Test
    void parameters_out_of_range_and_long_values_are_refused_in_one_short_line() throws Exception {
        String projections = "/users/" + USER + "/projections";
        assertEquals("400 {\"error\":\"late_after: 'P99999999D' is out of range: use a positive duration of at most "
                + "100 years (P36525D), e.g. PT1H\"}", statusAndBody(get(served.base(),
                projections + "?late_after=P99999999D")));
        assertEquals("400 {\"error\":\"late_after: 'PT-1H' is out of range: use a positive duration of at most "
                + "100 years (P36525D), e.g. PT1H\"}", statusAndBody(get(served.base(),
                projections + "?late_after=PT-1H")));
        assertEquals(400, status(get(served.base(), projections + "?late_after=PT0S")));
        assertEquals(200, status(get(served.base(), projections + "?late_after=P36525D")));
        assertEquals("400 {\"error\":\"as_of: '+999999999-01-01T00:00:00Z' is out of range: use a time from "
                + "0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z\"}", statusAndBody(get(served.base(),
                projections + "?as_of=%2B999999999-01-01T00:00:00Z")));
        assertEquals(200, status(get(served.base(), projections + "?as_of=9999-12-31T23:59:59Z")));

        String longId = "x".repeat(5_000);
        assertEquals("400 {\"error\":\"user id '" + "x".repeat(64) + "…' is not a UUID\"}",
                statusAndBody(get(served.base(), "/users/" + longId + "/projections")));
        assertEquals("400 {\"error\":\"unknown query parameter '" + "y".repeat(64)
                        + "…'; known: as_of, late_after, late_from\"}",
                statusAndBody(get(served.base(), projections + "?" + "y".repeat(3_000) + "=1")));
        assertEquals("400 {\"error\":\"limit: '" + "9".repeat(64) + "…' is not a whole number from 1 to 1000\"}",
                statusAndBody(get(served.base(), "/users?limit=" + "9".repeat(1_000))));
    }

    @Test
    void project_refuses_the_same_values_as_a_usage_error() {
        Cli cli = new Cli(db.jdbcUrl());
        Cli.Result late = cli.run("project", USER.toString(), "--late-after", "P99999999D");
        Cli.Result negative = cli.run("project", USER.toString(), "--late-after", "PT-1H");
        Cli.Result far = cli.run("project", USER.toString(), "--as-of", "+999999999-01-01T00:00:00Z");

        assertEquals(2, late.exit(), late.toString());
        assertTrue(late.err().startsWith("Invalid value for option '--late-after': 'P99999999D' is out of range: "
                + "use a positive duration of at most 100 years (P36525D), e.g. PT1H\n"), late.err());
        assertEquals(2, negative.exit(), negative.toString());
        assertEquals(2, far.exit(), far.toString());
        assertTrue(far.err().startsWith("Invalid value for option '--as-of': '+999999999-01-01T00:00:00Z' is out of "
                + "range: use a time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z\n"), far.err());
    }

    // --- live streams

    /** Opens a live stream on a socket of its own and reads up to its first data line. */
    private static Socket openStream(URI base) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(10_000);
        String path = "/users/" + USER + "/projections/stats/live";
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
        assertEquals("HTTP/1.1 200 OK", in.readLine());
        String line;
        String type = null;
        while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
            // the headers, then a blank line
            if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                type = line.substring(13).strip();
            }
        }
        assertTrue(line != null, "a data line");
        ApiContract.check("GET", path, 200, type, null);
        return socket;
    }

    @Test
    void a_closed_live_stream_frees_its_place_at_once() throws Exception {
        try (Served one = ServeTest.serve(db.database(), SETTINGS.withLimits(2, 4, 1 << 20, 1, 64))) {
            Socket first = openStream(one.base());
            String path = "/users/" + USER + "/projections/stats/live";
            assertEquals("503 {\"error\":\"too many live streams (1), try again later\"}",
                    statusAndBody(get(one.base(), path)));

            first.close();
            long closed = System.nanoTime();
            int status;
            while ((status = status(firstLine(one.base(), path))) == 503
                    && System.nanoTime() - closed < 1_000_000_000L) {
                Thread.sleep(20);
            }

            assertEquals(200, status, "a place within a second of the close, not at the next heartbeat");
        }
    }

    /** The status line of a GET, read without waiting for the rest (a live stream's answer has no end). */
    private static String firstLine(URI base, String path) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(UTF_8));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8)).readLine();
        }
    }

    // --- slow and silent clients

    @Test
    void eight_connections_that_sent_one_byte_leave_the_server_answering() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket(served.base().getHost(), served.base().getPort());
                socket.getOutputStream().write('G');
                idle.add(socket);
            }
            long start = System.nanoTime();
            assertEquals("200 {\"status\":\"ok\"}", statusAndBody(get(served.base(), "/health")));
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "answered within a second");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void two_hundred_slow_clients_leave_the_server_answering_and_are_cut_by_the_deadlines() throws Exception {
        Duration deadline = Duration.ofSeconds(2);
        try (Served guarded = ServeTest.serve(db.database(),
                SETTINGS.withTimeouts(deadline, deadline, Duration.ofSeconds(30)))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket socket = new Socket(guarded.base().getHost(), guarded.base().getPort());
                    socket.setSoTimeout(100);
                    // Half stop inside their headers, half inside a body they announced.
                    socket.getOutputStream().write((i % 2 == 0 ? "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                            : "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n[").getBytes(UTF_8));
                    slow.add(socket);
                }
                long start = System.nanoTime();
                int open = slow.size();
                // A byte every 200 ms from each, far from any idle timeout, until the server has cut them all.
                while (open > 0 && System.nanoTime() - start < deadline.multipliedBy(3).toNanos()) {
                    long asked = System.nanoTime();
                    assertEquals("200 {\"status\":\"ok\"}", statusAndBody(get(guarded.base(), "/health")));
                    assertTrue(System.nanoTime() - asked < 1_500_000_000L, "answered within 1.5 s");
                    open = 0;
                    for (Socket socket : slow) {
                        open += trickle(socket) ? 1 : 0;
                    }
                    Thread.sleep(200);
                }

                assertEquals(0, open, "every slow connection cut within three deadlines");
                assertEquals(0, db.store().count());
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void a_body_that_does_not_arrive_in_time_is_answered_408_and_its_connection_closed() throws Exception {
        Duration deadline = Duration.ofSeconds(1);
        // The idle timeout far off, so that the deadline is what cuts the body.
        try (Served guarded = ServeTest.serve(db.database(),
                SETTINGS.withTimeouts(deadline, deadline, Duration.ofSeconds(30)));
             Socket socket = new Socket(guarded.base().getHost(), guarded.base().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n[").getBytes(UTF_8));
            long start = System.nanoTime();

            String answer = new String(socket.getInputStream().readAllBytes(), UTF_8);

            assertEquals("408 {\"error\":\"request body not received within 1 s\"}", statusAndBody(answer));
            assertEquals("close", header(answer, "Connection"));
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "at the deadline");
            assertEquals(List.of(), quarantined());
        }
    }

    /** Sends one more byte, unless the server has closed the connection: whether it is still open. */
    private static boolean trickle(Socket socket) {
        if (socket.isClosed()) {
            return false;
        }
        try {
            try {
                if (socket.getInputStream().read() < 0) {
                    socket.close();
                    return false;
                }
            } catch (SocketTimeoutException e) {
                // nothing from the server: still open
            }
            socket.getOutputStream().write('a');
            return true;
        } catch (IOException e) {
            return false; // reset by the server
        }
    }

    @Test
    void past_the_connection_cap_a_new_connection_is_answered_503_at_once() throws Exception {
        try (Served capped = ServeTest.serve(db.database(), SETTINGS.withLimits(8, 256, 1 << 20, 8, 4))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    held.add(new Socket(capped.base().getHost(), capped.base().getPort()));
                }
                Thread.sleep(200); // for the server to take them
                long start = System.nanoTime();
                String refused = get(capped.base(), "/health");

                assertEquals("503 {\"error\":\"too many connections (4), try again later\"}", statusAndBody(refused));
                assertEquals("1", header(refused, "Retry-After"));
                assertTrue(System.nanoTime() - start < 1_000_000_000L, "refused at once");
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            long closed = System.nanoTime();
            int status;
            while ((status = status(get(capped.base(), "/health"))) == 503 && System.nanoTime() - closed < 2e9) {
                Thread.sleep(20);
            }
            assertEquals(200, status, "a place again once the connections closed");
        }
    }
}
