package com.sevenmind.eventstore.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sevenmind.eventstore.app.http.GooglePushVerifier;
import com.sevenmind.eventstore.app.http.GooglePushVerifier.InvalidPushToken;
import com.sevenmind.eventstore.app.http.JwksServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class PushAuthOptionsTest {

    /** A command that takes the options as serve does, and keeps the verifier they give. */
    @Command(name = "host")
    static final class Host implements Runnable {
        @Mixin
        PushAuthOptions push;
        Optional<GooglePushVerifier> verifier;

        @Override
        public void run() {
            verifier = push.verifier();
        }
    }

    private record Run(int exit, String err, Optional<GooglePushVerifier> verifier) {
    }

    @Test
    void no_audience_means_no_verifier() {
        Run run = run();

        assertEquals(0, run.exit(), run.err());
        assertEquals(Optional.empty(), run.verifier());
    }

    @Test
    void the_options_build_a_verifier_that_checks_against_the_given_keys() throws JOSEException {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
        try (JwksServer jwks = new JwksServer().publish(key)) {
            Run run = run("--push-audience", "https://store.example/pubsub/push",
                    "--push-service-account", "pusher@p.iam.gserviceaccount.com", "--push-jwks-url",
                    jwks.uri().toString());

            assertEquals(0, run.exit(), run.err());
            GooglePushVerifier verifier = run.verifier().orElseThrow();
            verifier.verify(token(key, "https://store.example/pubsub/push", "pusher@p.iam.gserviceaccount.com"));
            InvalidPushToken e = assertThrows(InvalidPushToken.class, () -> verifier.verify(
                    token(key, "https://store.example/pubsub/push", "other@p.iam.gserviceaccount.com")));
            assertEquals("email 'other@p.iam.gserviceaccount.com' is not the push service account", e.getMessage());
            assertEquals(1, jwks.requests());
        }
    }

    @Test
    void bad_options_are_usage_errors_that_name_the_option() {
        assertUsage("--push-audience must not be blank", "--push-audience", " ");
        assertUsage("--push-service-account must not be blank", "--push-audience", "a", "--push-service-account",
                "");
        assertUsage("--push-service-account needs --push-audience", "--push-service-account", "p@example.com");
        assertUsage("--push-jwks-url must be an http or https URL with a host, was 'ftp://keys.example/certs'",
                "--push-audience", "a", "--push-jwks-url", "ftp://keys.example/certs");
        assertUsage("--push-jwks-url must be an http or https URL with a host, was 'not a url'",
                "--push-audience", "a", "--push-jwks-url", "not a url");
        assertUsage("--push-jwks-url must be an http or https URL with a host, was 'https:///certs'",
                "--push-audience", "a", "--push-jwks-url", "https:///certs");
    }

    @Test
    void help_names_the_environment_variables_and_googles_keys_as_the_default() {
        String help = new CommandLine(new Host()).getUsageMessage();

        assertTrue(help.contains("EVENTSTORE_PUSH_AUDIENCE"), help);
        assertTrue(help.contains("EVENTSTORE_PUSH_SERVICE_ACCOUNT"), help);
        assertTrue(help.contains("EVENTSTORE_PUSH_JWKS_URL"), help);
        assertTrue(help.replaceAll("\\s+", "").contains("default:https://www.googleapis.com/oauth2/v3/certs"), help);
    }

    private static void assertUsage(String message, String... args) {
        Run run = run(args);

        assertEquals(2, run.exit(), run.err());
        assertEquals(message, run.err().lines().findFirst().orElse(""));
    }

    private static Run run(String... args) {
        Host host = new Host();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(host).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, err.toString(), host.verifier == null ? Optional.empty() : host.verifier);
    }

    private static String token(RSAKey key, String audience, String email) throws JOSEException {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("https://accounts.google.com").audience(audience)
                        .claim("email", email).claim("email_verified", true).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(3600))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
