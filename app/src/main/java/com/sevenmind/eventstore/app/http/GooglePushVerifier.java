package com.sevenmind.eventstore.app.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetSourceWrapper;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.security.Key;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the {@code Authorization: Bearer} token of an authenticated Pub/Sub push: an OIDC token that Google signs
 * with RS256 for the push subscription's service account. Google's public keys are fetched from a JWKS URL, kept for
 * a while ({@link #KEYS_TTL} in serve), and fetched again sooner only for a token whose key id they lack (Google
 * rotates its keys), at most twice in {@link #REFETCH_INTERVAL}. When a fetch fails or would break that limit, the
 * keys last fetched serve on, for up to {@link #OUTAGE_FACTOR} times as long. Thread-safe: one instance serves every
 * request.
 */
public final class GooglePushVerifier {

    /** Where Google publishes the keys it signs OIDC tokens with. */
    public static final String GOOGLE_JWKS = "https://www.googleapis.com/oauth2/v3/certs";

    /**
     * How long fetched keys are used before the next token fetches them again. Google announces a key well before it
     * signs with it, so this only bounds how long a withdrawn key stays trusted.
     */
    public static final Duration KEYS_TTL = Duration.ofMinutes(15);

    /** While Google cannot be reached, the keys last fetched serve on for this many times their time to live. */
    static final int OUTAGE_FACTOR = 4;

    /** A flood of tokens with made-up key ids must not become a flood of requests to Google. */
    static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);

    /** Refused: the answer to the push is 401. */
    public static final class InvalidPushToken extends RuntimeException {
        InvalidPushToken(String message) {
            // No stack trace: a refusal is an answer, not a failure of ours.
            super(message, null, false, false);
        }
    }

    /** The keys could not be fetched, so no token can be judged: the answer is 503, and Pub/Sub retries. */
    static final class PushVerifierUnavailable extends RuntimeException {
        PushVerifierUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Thrown by the key selector, inside Nimbus, to tell an unknown key id from keys that could not be fetched. */
    private static final class UnknownKey extends KeySourceException {
        UnknownKey() {
            super("no key");
        }
    }

    /**
     * A fetch refused by the rate limit, as the outage layer understands it: so that the keys fetched moments ago
     * serve on, and a token whose key id they lack is refused rather than answered 503.
     */
    private static final class RateLimitAsOutage extends JWKSetSourceWrapper<SecurityContext> {
        RateLimitAsOutage(JWKSetSource<SecurityContext> limited) {
            super(limited);
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context)
                throws KeySourceException {
            try {
                return getSource().getJWKSet(refresh, now, context);
            } catch (RateLimitReachedException e) {
                throw new JWKSetUnavailableException("fetched twice in the last " + REFETCH_INTERVAL.toSeconds()
                        + " s, the next fetch must wait", e);
            }
        }
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /**
     * @param audience the push subscription's token audience, which every token must name exactly
     * @param serviceAccount the push subscription's service account, which every token must be issued to; empty
     *     for any account
     * @param jwks where the signing keys are fetched from: {@link #GOOGLE_JWKS} but for tests and private mirrors
     * @param fetchTimeout how long a whole fetch of the keys may take, connecting and reading the answer; the answer
     *     may be at most {@link JWKSourceBuilder#DEFAULT_HTTP_SIZE_LIMIT} bytes
     * @param keysTtl how long fetched keys are used before the next token fetches them again
     */
    public GooglePushVerifier(String audience, Optional<String> serviceAccount, URI jwks, Duration fetchTimeout,
            Duration keysTtl) {
        URLBasedJWKSetSource<SecurityContext> fetched;
        try {
            fetched = new URLBasedJWKSetSource<>(jwks.toURL(), new JwksFetch(fetchTimeout,
                    JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT));
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + jwks, e);
        }
        // Outermost first: the cache, then the last keys fetched, for when Google is unreachable or a fetch would
        // break the rate limit, then the fetch. Waiting for another thread's fetch takes at most its deadline.
        JWKSetBasedJWKSource<SecurityContext> keys = new JWKSetBasedJWKSource<>(new CachingJWKSetSource<>(
                new OutageTolerantJWKSetSource<>(
                        new RateLimitAsOutage(new RateLimitedJWKSetSource<>(fetched, REFETCH_INTERVAL.toMillis(),
                                null)),
                        keysTtl.multipliedBy(OUTAGE_FACTOR).toMillis(), null),
                keysTtl.toMillis(), fetchTimeout.toMillis() + 1_000, null));
        JWSVerificationKeySelector<SecurityContext> rs256 = new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys);
        processor.setJWSKeySelector((header, context) -> known(rs256, header));
        processor.setJWTClaimsSetVerifier(new PushTokenClaims(audience, serviceAccount));
    }

    /**
     * Returns if the token is one Google signed for this audience (and service account), else throws
     * {@link InvalidPushToken}; throws {@link PushVerifierUnavailable} if the keys to judge it cannot be fetched.
     */
    public void verify(String bearerToken) {
        SignedJWT jwt = parse(bearerToken);
        try {
            processor.process(jwt, null);
        } catch (PushTokenClaims.Rejected e) {
            throw new InvalidPushToken(e.getMessage());
        } catch (BadJWSException e) {
            throw new InvalidPushToken("signature does not verify");
        } catch (BadJOSEException e) {
            throw new InvalidPushToken("token refused: " + PushTokenClaims.oneLine(e.getMessage()));
        } catch (UnknownKey e) {
            throw new InvalidPushToken("key id " + PushTokenClaims.quoted(jwt.getHeader().getKeyID())
                    + " is not one of Google's signing keys");
        } catch (KeySourceException e) {
            throw new PushVerifierUnavailable("Google's signing keys are unavailable: "
                    + PushTokenClaims.oneLine(e.getMessage()), e);
        } catch (JOSEException e) {
            throw new InvalidPushToken("signature cannot be checked: " + PushTokenClaims.oneLine(e.getMessage()));
        }
    }

    /** The checks that need no key, with messages that say what is wrong rather than which parser gave up. */
    private static SignedJWT parse(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidPushToken("malformed token: empty");
        }
        if (token.chars().filter(c -> c == '.').count() != 2) {
            throw new InvalidPushToken("malformed token: not three dot-separated parts");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new InvalidPushToken("malformed token: header is not base64url-encoded JSON naming an algorithm");
        }
        if (jwt instanceof PlainJWT) {
            throw new InvalidPushToken("algorithm none is not accepted");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new InvalidPushToken("malformed token: not a signed JWT");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!JWSAlgorithm.RS256.equals(alg)) {
            throw new InvalidPushToken("algorithm " + PushTokenClaims.quoted(alg.getName())
                    + " is not accepted, only RS256");
        }
        if (signed.getHeader().getKeyID() == null) {
            throw new InvalidPushToken("key id (kid) is missing");
        }
        Set<String> critical = signed.getHeader().getCriticalParams();
        if (critical != null && !critical.isEmpty()) {
            // RFC 7515 4.1.11: a header the verifier must understand, and none is understood here.
            throw new InvalidPushToken("critical header parameter " + critical.stream().sorted()
                    .map(PushTokenClaims::quoted).collect(Collectors.joining(", "))
                    + " is not supported (crit): the token cannot be checked");
        }
        JOSEObjectType type = signed.getHeader().getType();
        if (type != null && !JOSEObjectType.JWT.equals(type)) {
            throw new InvalidPushToken("type " + PushTokenClaims.quoted(type) + " is not accepted, only JWT");
        }
        try {
            signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidPushToken("malformed token: payload is not base64url-encoded JSON claims");
        }
        return signed;
    }

    private static List<Key> known(JWSVerificationKeySelector<SecurityContext> rs256, JWSHeader header)
            throws KeySourceException {
        List<Key> keys = rs256.selectJWSKeys(header, null);
        if (keys.isEmpty()) {
            throw new UnknownKey();
        }
        return keys;
    }
}
