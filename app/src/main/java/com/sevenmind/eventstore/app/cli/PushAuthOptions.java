package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.app.http.GooglePushVerifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The serve options that accept the Google-signed tokens of an authenticated Pub/Sub push subscription. */
final class PushAuthOptions {

    /**
     * How long a whole fetch of Google's keys may take, connecting and reading the answer. Well inside Pub/Sub's push
     * deadline, so that a push waiting for the keys is answered 503 before Pub/Sub gives up on it.
     */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--push-audience", paramLabel = "A", defaultValue = "${env:EVENTSTORE_PUSH_AUDIENCE}",
            description = "Accept POST /pubsub/push with a Google-signed token for this audience: the push "
                    + "subscription's --push-auth-token-audience (env EVENTSTORE_PUSH_AUDIENCE; default: none).")
    String audience;

    @Option(names = "--push-service-account", paramLabel = "EMAIL",
            defaultValue = "${env:EVENTSTORE_PUSH_SERVICE_ACCOUNT}",
            description = "With --push-audience: the token must be issued to this service account, the push "
                    + "subscription's --push-auth-service-account (env EVENTSTORE_PUSH_SERVICE_ACCOUNT; "
                    + "default: any).")
    String serviceAccount;

    @Option(names = "--push-jwks-url", paramLabel = "URL",
            defaultValue = "${env:EVENTSTORE_PUSH_JWKS_URL:-" + GooglePushVerifier.GOOGLE_JWKS + "}",
            description = "Where Google's signing keys are fetched; for tests and private mirrors "
                    + "(env EVENTSTORE_PUSH_JWKS_URL; default: ${DEFAULT-VALUE}).")
    String jwksUrl;

    /** The verifier the options ask for; empty without --push-audience. Throws a usage error for a bad option. */
    Optional<GooglePushVerifier> verifier() {
        // Blank values (an empty environment variable) would look like protection and be none.
        check(audience == null || !audience.isBlank(), "--push-audience must not be blank");
        check(serviceAccount == null || !serviceAccount.isBlank(), "--push-service-account must not be blank");
        if (audience == null) {
            check(serviceAccount == null, "--push-service-account needs --push-audience");
            return Optional.empty();
        }
        return Optional.of(new GooglePushVerifier(audience, Optional.ofNullable(serviceAccount), jwks(),
                FETCH_TIMEOUT, GooglePushVerifier.KEYS_TTL));
    }

    private URI jwks() {
        String problem = "--push-jwks-url must be an http or https URL with a host, was '" + jwksUrl + "'";
        URI uri;
        try {
            uri = new URI(jwksUrl);
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), problem);
        }
        check(("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                && uri.getHost() != null, problem);
        return uri;
    }

    private void check(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
