package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sevenmind.eventstore.app.http.GooglePushVerifier.InvalidPushToken;
import com.sevenmind.eventstore.app.http.GooglePushVerifier.PushVerifierUnavailable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GooglePushVerifierTest {

    static final String AUDIENCE = "https://store.example/pubsub/push";
    static final String ACCOUNT = "pusher@project.iam.gserviceaccount.com";
    /** The deadline of a whole key fetch: serve's, since a JDK HTTP client's first request takes ~0.5 s when loaded. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration TTL = GooglePushVerifier.KEYS_TTL;
    /** Keys that expire within a test. */
    private static final Duration SHORT_TTL = Duration.ofMillis(300);

    private static RSAKey google;
    private static RSAKey rotated;
    private static RSAKey impostor;

    private final JwksServer jwks = new JwksServer();

    @BeforeAll
    static void keys() throws JOSEException {
        google = rsa("google-1");
        rotated = rsa("google-2");
        // Same key id as Google's current key: only the signature can tell them apart.
        impostor = rsa("google-1");
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    @Test
    void accepts_a_token_google_signed_for_the_audience_and_account() {
        GooglePushVerifier verifier = verifier(Optional.of(ACCOUNT));
        jwks.publish(google);

        assertDoesNotThrow(() -> verifier.verify(token(google, c -> c)));
        assertDoesNotThrow(() -> verifier.verify(token(google, c -> c.issuer("accounts.google.com"))));
        // Within the clock skew.
        assertDoesNotThrow(() -> verifier.verify(token(google, c -> c.expirationTime(ago(30)))));
    }

    @Test
    void refuses_claims_that_do_not_match_with_a_message_saying_which() {
        GooglePushVerifier verifier = verifier(Optional.of(ACCOUNT));
        jwks.publish(google);
        Instant expired = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);

        assertRefused(verifier, token(google, c -> c.expirationTime(Date.from(expired))),
                "token expired at " + expired);
        assertRefused(verifier, token(google, c -> c.expirationTime(null)), "expiry (exp) is missing");
        assertRefused(verifier, token(google, c -> c.issueTime(null)), "issue time (iat) is missing");
        Instant later = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(600);
        assertRefused(verifier, token(google, c -> c.issueTime(Date.from(later))),
                "token issued in the future, at " + later);
        assertRefused(verifier, token(google, c -> c.notBeforeTime(Date.from(later))),
                "token not valid before " + later);
        assertRefused(verifier, token(google, c -> c.audience("https://other.example/push")),
                "audience 'https://other.example/push' is not 'https://store.example/pubsub/push'");
        assertRefused(verifier, token(google, c -> c.audience((String) null)), "audience (aud) is missing");
        assertRefused(verifier, token(google, c -> c.issuer("https://evil.example")),
                "issuer 'https://evil.example' is not Google's");
        assertRefused(verifier, token(google, c -> c.claim("email", "other@project.iam.gserviceaccount.com")),
                "email 'other@project.iam.gserviceaccount.com' is not the push service account");
        assertRefused(verifier, token(google, c -> c.claim("email_verified", false)), "email not verified");
        assertRefused(verifier, token(google, c -> c.claim("email_verified", null)), "email not verified");
        assertRefused(verifier, token(google, c -> c.claim("email", null)), "email is missing");
    }

    @Test
    void takes_any_account_when_none_is_given() {
        GooglePushVerifier verifier = verifier(Optional.empty());
        jwks.publish(google);

        assertDoesNotThrow(() -> verifier.verify(
                token(google, c -> c.claim("email", "other@example.com").claim("email_verified", false))));
    }

    @Test
    void refuses_a_token_whose_signature_is_not_googles() throws JOSEException {
        GooglePushVerifier verifier = verifier(Optional.of(ACCOUNT));
        jwks.publish(google);

        assertRefused(verifier, token(impostor, c -> c), "signature does not verify");
        String[] parts = token(google, c -> c).split("\\.");
        String otherClaims = token(google, c -> c.subject("someone-else")).split("\\.")[1];
        assertRefused(verifier, parts[0] + "." + otherClaims + "." + parts[2], "signature does not verify");
    }

    @Test
    void refuses_unsigned_tokens_and_other_algorithms() throws JOSEException {
        GooglePushVerifier verifier = verifier(Optional.of(ACCOUNT));
        jwks.publish(google);

        assertRefused(verifier, new PlainJWT(claims().build()).serialize(), "algorithm none is not accepted");
        // Algorithm confusion: an HMAC keyed with the public key, which anyone can fetch.
        SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(google.getKeyID()).build(),
                claims().build());
        hs256.sign(new MACSigner(google.toRSAPublicKey().getEncoded()));
        assertRefused(verifier, hs256.serialize(), "algorithm 'HS256' is not accepted, only RS256");
        SignedJWT logout = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(google.getKeyID())
                .type(new JOSEObjectType("logout+jwt")).build(), claims().build());
        logout.sign(new RSASSASigner(google));
        assertRefused(verifier, logout.serialize(), "type 'logout+jwt' is not accepted, only JWT");
        SignedJWT keyless = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims().build());
        keyless.sign(new RSASSASigner(google));
        assertRefused(verifier, keyless.serialize(), "key id (kid) is missing");
        // Issue 21, finding 7c: a header that must be understood, which this verifier does not.
        SignedJWT critical = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(google.getKeyID())
                .type(JOSEObjectType.JWT).criticalParams(java.util.Set.of("exp-policy"))
                .customParam("exp-policy", "strict").build(), claims().build());
        critical.sign(new RSASSASigner(google));
        assertRefused(verifier, critical.serialize(),
                "critical header parameter 'exp-policy' is not supported (crit): the token cannot be checked");
        assertEquals(0, jwks.requests(), "no key is fetched for a token refused on its face");
    }

    @Test
    void refuses_malformed_tokens() {
        GooglePushVerifier verifier = verifier(Optional.of(ACCOUNT));
        jwks.publish(google);
        String[] valid = token(google, c -> c).split("\\.");
        String notJson = Base64URL.encode("not json".getBytes(StandardCharsets.UTF_8)).toString();

        assertRefused(verifier, "", "malformed token: empty");
        assertRefused(verifier, "abc", "malformed token: not three dot-separated parts");
        assertRefused(verifier, valid[0] + "." + valid[1], "malformed token: not three dot-separated parts");
        assertRefused(verifier, "a.b.c.d.e", "malformed token: not three dot-separated parts");
        assertRefused(verifier, "%%%." + valid[1] + "." + valid[2],
                "malformed token: header is not base64url-encoded JSON naming an algorithm");
        assertRefused(verifier, notJson + "." + valid[1] + "." + valid[2],
                "malformed token: header is not base64url-encoded JSON naming an algorithm");
        assertRefused(verifier, valid[0] + "." + notJson + "." + valid[2],
                "malformed token: payload is not base64url-encoded JSON claims");
    }

    @Test
    void refuses_an_unknown_key_id_after_one_refetch_and_then_without_fetching_again() throws JOSEException {
        GooglePushVerifier verifier = verifier(Optional.of(ACCOUNT));
        jwks.publish(google);
        verifier.verify(token(google, c -> c));
        RSAKey unknown = rsa("unknown\nkey");

        assertRefused(verifier, token(unknown, c -> c), "key id 'unknown?key' is not one of Google's signing keys");
        assertEquals(2, jwks.requests(), "the keys are fetched again once for a key id they lack");
        assertRefused(verifier, token(unknown, c -> c), "key id 'unknown?key' is not one of Google's signing keys");
        assertEquals(2, jwks.requests(), "a second unknown key id within the rate limit fetches nothing");
    }

    @Test
    void accepts_a_key_google_added_after_the_first_fetch() {
        GooglePushVerifier verifier = verifier(Optional.of(ACCOUNT));
        jwks.publish(google);
        verifier.verify(token(google, c -> c));
        jwks.publish(google, rotated);

        assertDoesNotThrow(() -> verifier.verify(token(rotated, c -> c)));
        assertDoesNotThrow(() -> verifier.verify(token(google, c -> c)));
        assertEquals(2, jwks.requests());
    }

    @Test
    void fetches_the_keys_once_for_many_tokens_and_keeps_them_through_an_outage() {
        GooglePushVerifier verifier = verifier(Optional.of(ACCOUNT));
        jwks.publish(google);
        for (int i = 0; i < 200; i++) {
            verifier.verify(token(google, c -> c));
        }
        jwks.close();

        assertDoesNotThrow(() -> verifier.verify(token(google, c -> c)));
        assertEquals(1, jwks.requests());
    }

    @Test
    void a_key_google_withdrew_is_refused_once_the_keys_expire() throws InterruptedException {
        GooglePushVerifier verifier = new GooglePushVerifier(AUDIENCE, Optional.empty(), jwks.uri(), TIMEOUT,
                SHORT_TTL);
        jwks.publish(google);
        verifier.verify(token(google, c -> c));
        jwks.publish(rotated);
        Thread.sleep(SHORT_TTL.toMillis() + 200);

        assertRefused(verifier, token(google, c -> c), "key id 'google-1' is not one of Google's signing keys");
        assertDoesNotThrow(() -> verifier.verify(token(rotated, c -> c)));
        assertEquals(2, jwks.requests());
    }

    @Test
    void the_keys_last_fetched_serve_on_while_google_is_unreachable() throws InterruptedException {
        GooglePushVerifier verifier = new GooglePushVerifier(AUDIENCE, Optional.empty(), jwks.uri(), TIMEOUT,
                SHORT_TTL);
        jwks.publish(google);
        verifier.verify(token(google, c -> c));
        jwks.close();
        Thread.sleep(SHORT_TTL.toMillis() + 200);

        assertDoesNotThrow(() -> verifier.verify(token(google, c -> c)));
        assertRefused(verifier, token(impostor, c -> c), "signature does not verify");
    }

    @Test
    void unreachable_keys_make_the_verifier_unavailable_not_the_token_invalid() throws IOException {
        URI closed = jwks.uri();
        jwks.close();
        assertUnavailable(new GooglePushVerifier(AUDIENCE, Optional.empty(), closed, TIMEOUT, TTL));

        JwksServer broken = new JwksServer();
        try (broken) {
            broken.answer(500, "<html>oops</html>");
            assertUnavailable(new GooglePushVerifier(AUDIENCE, Optional.empty(), broken.uri(), TIMEOUT, TTL));
            broken.answer(200, "<html>not keys</html>");
            assertUnavailable(new GooglePushVerifier(AUDIENCE, Optional.empty(), broken.uri(), TIMEOUT, TTL));
        }

        // Accepts the connection and never answers: the read timeout must end the wait.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(10_000);
                } catch (IOException | InterruptedException e) {
                    // The test is over.
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            URI hanging = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/certs");
            assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertUnavailable(new GooglePushVerifier(AUDIENCE, Optional.empty(), hanging, TIMEOUT,
                            TTL)));
            acceptor.interrupt();
        }
    }

    private void assertUnavailable(GooglePushVerifier verifier) {
        PushVerifierUnavailable e = assertThrows(PushVerifierUnavailable.class,
                () -> verifier.verify(token(google, c -> c)));
        assertTrue(e.getMessage().startsWith("Google's signing keys are unavailable: "), e.getMessage());
    }

    private static void assertRefused(GooglePushVerifier verifier, String token, String message) {
        InvalidPushToken e = assertThrows(InvalidPushToken.class, () -> verifier.verify(token));
        assertEquals(message, e.getMessage());
        for (String part : token.split("\\.")) {
            assertFalse(part.length() > 3 && e.getMessage().contains(part), "the message repeats the token");
        }
    }

    private GooglePushVerifier verifier(Optional<String> account) {
        return new GooglePushVerifier(AUDIENCE, account, jwks.uri(), TIMEOUT, TTL);
    }

    /** Claims as Google puts them in a push token, changed by {@code change}. */
    static String token(RSAKey key, UnaryOperator<JWTClaimsSet.Builder> change) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), change.apply(claims()).build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer("https://accounts.google.com")
                .audience(AUDIENCE)
                .subject("113774264463038321964")
                .claim("azp", "113774264463038321964")
                .claim("email", ACCOUNT)
                .claim("email_verified", true)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)));
    }

    private static Date ago(long seconds) {
        return Date.from(Instant.now().minusSeconds(seconds));
    }

    static RSAKey rsa(String kid) throws JOSEException {
        return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .generate();
    }
}
