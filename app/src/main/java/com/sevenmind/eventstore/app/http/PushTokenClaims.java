package com.sevenmind.eventstore.app.http;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of a Google-signed push token that {@link GooglePushVerifier} accepts. Nimbus runs this only after the
 * signature verified, so nothing an unsigned or forged token claims is ever repeated in a message.
 */
final class PushTokenClaims implements JWTClaimsSetVerifier<SecurityContext> {

    /** The two spellings of Google's issuer that its OIDC tokens carry. */
    static final Set<String> GOOGLE_ISSUERS = Set.of("https://accounts.google.com", "accounts.google.com");

    /** How far our clock and Google's may disagree on exp, iat and nbf. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    /** Claim values in a message are cut to this, so that a message stays one short line. */
    private static final int SHOWN = 100;

    /** A refusal, with its message as the 401 gives it. */
    static final class Rejected extends BadJWTException {
        Rejected(String message) {
            super(message);
        }
    }

    private final String audience;
    private final Optional<String> serviceAccount;

    PushTokenClaims(String audience, Optional<String> serviceAccount) {
        this.audience = Objects.requireNonNull(audience);
        this.serviceAccount = Objects.requireNonNull(serviceAccount);
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws Rejected {
        String issuer = claims.getIssuer();
        check(issuer != null, "issuer (iss) is missing");
        check(GOOGLE_ISSUERS.contains(issuer), "issuer " + quoted(issuer) + " is not Google's");
        List<String> audiences = claims.getAudience();
        check(!audiences.isEmpty(), "audience (aud) is missing");
        check(audiences.equals(List.of(audience)),
                "audience " + quoted(String.join(", ", audiences)) + " is not " + quoted(audience));

        Instant now = Instant.now();
        Date expiry = claims.getExpirationTime();
        check(expiry != null, "expiry (exp) is missing");
        check(now.minus(CLOCK_SKEW).isBefore(expiry.toInstant()), "token expired at " + expiry.toInstant());
        Date issued = claims.getIssueTime();
        check(issued != null, "issue time (iat) is missing");
        check(!issued.toInstant().isAfter(now.plus(CLOCK_SKEW)),
                "token issued in the future, at " + issued.toInstant());
        Date notBefore = claims.getNotBeforeTime();
        check(notBefore == null || !notBefore.toInstant().isAfter(now.plus(CLOCK_SKEW)),
                "token not valid before " + (notBefore == null ? "" : notBefore.toInstant()));

        if (serviceAccount.isPresent()) {
            Object email = claims.getClaim("email");
            check(email != null, "email is missing");
            check(serviceAccount.get().equals(email), "email " + quoted(email) + " is not the push service account");
            check(Boolean.TRUE.equals(verifiedFlag(claims)), "email not verified");
        }
    }

    /** A value from outside in single quotes, as {@link #oneLine} shows it. */
    static String quoted(Object value) {
        return "'" + oneLine(value) + "'";
    }

    /** Text from outside on one line and cut short, fit for a message. */
    static String oneLine(Object value) {
        String text = String.valueOf(value).codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return text.length() > SHOWN ? text.substring(0, SHOWN) + "…" : text;
    }

    private static Boolean verifiedFlag(JWTClaimsSet claims) {
        try {
            return claims.getBooleanClaim("email_verified");
        } catch (ParseException e) {
            return null;
        }
    }

    private static void check(boolean valid, String message) throws Rejected {
        if (!valid) {
            throw new Rejected(message);
        }
    }
}
