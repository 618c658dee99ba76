package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Google-signed push through the whole server: who gets in, and what each refusal answers. */
class GooglePushAuthTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static RSAKey google;

    private final JwksServer jwks = new JwksServer();
    private final List<ServeTest.Served> servers = new ArrayList<>();

    @BeforeAll
    static void keys() throws JOSEException {
        google = GooglePushVerifierTest.rsa("google-1");
    }

    @BeforeEach
    void clear() {
        db.clear();
        jwks.publish(google);
    }

    @AfterEach
    void stop() {
        servers.forEach(ServeTest.Served::close);
        jwks.close();
    }

    private URI serve(String writeToken) {
        GooglePushVerifier verifier = new GooglePushVerifier(GooglePushVerifierTest.AUDIENCE,
                Optional.of(GooglePushVerifierTest.ACCOUNT), jwks.uri(), GooglePushVerifierTest.TIMEOUT,
                GooglePushVerifier.KEYS_TTL);
        ServeTest.Served served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0)
                .withTokens(writeToken, null).withPushVerifier(verifier));
        servers.add(served);
        return served.base();
    }

    private static HttpResponse<String> post(URI base, String path, String body, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> answer = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        ApiContract.check("POST", base.resolve(path), answer);
        return answer;
    }

    private static String push(String id) {
        return ServeTest.push(id, ServeTest.track("Content Piece Started", "2024-05-01T10:00:00Z", id));
    }

    private static String signed() {
        return GooglePushVerifierTest.token(google, c -> c);
    }

    @Test
    void a_push_that_google_signed_for_the_audience_is_stored() throws Exception {
        URI base = serve(null);

        HttpResponse<String> answer = post(base, "/pubsub/push", push("m-1"), signed());

        assertEquals("200 {\"result\":\"stored\"}\n", answer.statusCode() + " " + answer.body());
        assertEquals(1, db.store().count());
    }

    /**
     * Issue 21, finding 5: a key server trickling its answer a byte at a time, each within the read timeout, used to
     * hold the first push for minutes. The whole fetch has one deadline (2 s): the push is answered 503 soon after it,
     * as when the keys are unreachable.
     */
    @Test
    void a_key_server_that_trickles_its_answer_gets_the_push_503_within_the_fetch_deadline() throws Exception {
        URI base = serve(null);
        jwks.trickle(Duration.ofMillis(200));

        long start = System.nanoTime();
        HttpResponse<String> answer = post(base, "/pubsub/push", push("m-1"), signed());
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(503, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("Google's signing keys are unavailable"), answer.body());
        assertTrue(millis < 4_500, "answered in " + millis + " ms; the deadline is 2 s, the answer trickles for 90 s");
        assertEquals(0, db.store().count());
    }

    @Test
    void a_push_without_a_valid_google_token_is_refused_401_and_nothing_is_kept() throws Exception {
        URI base = serve(null);
        String expired = GooglePushVerifierTest.token(google,
                c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600))));

        HttpResponse<String> none = post(base, "/pubsub/push", push("m-1"), null);
        HttpResponse<String> old = post(base, "/pubsub/push", push("m-2"), expired);

        assertEquals("401 {\"error\":\"missing or wrong bearer token\"}\n", none.statusCode() + " " + none.body());
        assertEquals(401, old.statusCode(), old.body());
        assertEquals(true, old.body().startsWith("{\"error\":\"token expired at "), old.body());
        assertEquals("Bearer", old.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(0, db.store().count());
        assertEquals(0, db.database().quarantine().count());
    }

    @Test
    void with_a_write_token_too_either_lets_a_push_in_but_only_the_token_lets_events_in() throws Exception {
        URI base = serve("s3cret");

        assertEquals(200, post(base, "/pubsub/push", push("m-1"), "s3cret").statusCode());
        assertEquals(200, post(base, "/pubsub/push", push("m-2"), signed()).statusCode());
        HttpResponse<String> events = post(base, "/events", "[]", signed());

        assertEquals("401 {\"error\":\"missing or wrong bearer token\"}\n", events.statusCode() + " " + events.body());
        assertEquals(2, db.store().count());
    }

    @Test
    void while_googles_keys_cannot_be_fetched_a_push_is_answered_503_to_be_delivered_again() throws Exception {
        URI base = serve(null);
        jwks.answer(500, "down");

        HttpResponse<String> answer = post(base, "/pubsub/push", push("m-1"), signed());

        assertEquals(503, answer.statusCode(), answer.body());
        assertEquals("1", answer.headers().firstValue("Retry-After").orElse(null));
        assertEquals(0, db.store().count());
    }
}
