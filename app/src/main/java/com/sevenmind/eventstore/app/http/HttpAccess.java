package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.app.ingest.Way;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Who may ask what. The Host and Origin headers must name an allowed host, so a page of another site, or one reached
 * through DNS rebinding, cannot use a browser as its way in. Writes must be JSON, which a page of another site cannot
 * send without the browser asking first (a preflight, never answered here). With tokens set, reads need the read or
 * the write token, and writes the write token; a push may instead carry a token Google signed for it. With a
 * RudderStack write key set, RudderStack's API takes that key instead (HTTP Basic, as its SDKs send it).
 */
public final class HttpAccess {

    /** Any host: for operators who check Host in a proxy in front. */
    static final String ANY_HOST = "*";
    private static final Pattern JSON = Pattern.compile("application/(?:[^/;\\s]+\\+)?json");
    private static final String WRONG_TOKEN = "missing or wrong bearer token";

    private final Set<String> allowedHosts;
    private final byte[] writeToken;
    private final byte[] readToken;
    private final GooglePushVerifier pushVerifier;
    private final byte[] writeKey;

    /**
     * @param allowedHosts host names and addresses, or {@link #ANY_HOST}
     * @param writeToken   the token every write must carry; null for none
     * @param readToken    a token that reads may carry instead of the write token; null for none
     * @param pushVerifier checks Google-signed tokens, which let pushes in; null for none
     * @param writeKey     the RudderStack write key {@code /v1/*} must carry (HTTP Basic); null: they take the write
     *                     token as {@code POST /events} does
     */
    HttpAccess(List<String> allowedHosts, String writeToken, String readToken, GooglePushVerifier pushVerifier,
               String writeKey) {
        this.allowedHosts = new LinkedHashSet<>();
        allowedHosts.forEach(h -> this.allowedHosts.add(h.toLowerCase(Locale.ROOT)));
        this.writeToken = writeToken == null ? null : writeToken.getBytes(UTF_8);
        this.readToken = readToken == null ? null : readToken.getBytes(UTF_8);
        this.pushVerifier = pushVerifier;
        this.writeKey = writeKey == null ? null : writeKey.getBytes(UTF_8);
    }

    /** What {@code --allowed-hosts} means when not given: the names under which this machine reaches itself. */
    public static List<String> defaultHosts(String bind) {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(bind.contains(":") ? "[" + bind + "]" : bind);
        hosts.addAll(List.of("localhost", "127.0.0.1", "[::1]"));
        return List.copyOf(hosts);
    }

    /** 403 unless Host, and Origin when sent, name an allowed host; any port is fine. */
    void checkHost(HttpExchange exchange) {
        if (allowedHosts.contains(ANY_HOST)) {
            return;
        }
        String host = exchange.header(HttpHeader.HOST);
        if (host == null || !allowedHosts.contains(withoutPort(host))) {
            throw new HttpError(403, "Host " + ErrorMessages.quote(host == null ? "" : host)
                    + " is not allowed; see --allowed-hosts");
        }
        String origin = exchange.header(HttpHeader.ORIGIN);
        if (origin != null && !allowedOrigin(origin)) {
            throw new HttpError(403, "Origin " + ErrorMessages.quote(origin) + " is not allowed; see --allowed-hosts");
        }
    }

    /** A request without its host's port, lower case; an IPv6 address keeps its brackets. */
    private static String withoutPort(String host) {
        int end = host.startsWith("[") ? host.indexOf(']') + 1 : host.lastIndexOf(':');
        return (end > 0 ? host.substring(0, end) : host).toLowerCase(Locale.ROOT);
    }

    private boolean allowedOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            return (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getRawAuthority() != null
                    && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && allowedHosts.contains(withoutPort(uri.getRawAuthority())));
        } catch (URISyntaxException e) {
            return false; // "null", from a sandboxed page or a file, among others
        }
    }

    /** With a read or a write token set, 401 unless the request carries one of them, as a header or a parameter. */
    void authorizeRead(HttpExchange exchange) {
        if (readToken == null && writeToken == null) {
            return;
        }
        String presented = bearer(exchange);
        if (presented == null) {
            presented = exchange.accessToken();
        }
        // Both compared, whatever the first gives: the time taken must not tell which token came close.
        boolean read = matches(readToken, presented);
        boolean write = matches(writeToken, presented);
        if (!read && !write) {
            throw unauthorized(exchange, WRONG_TOKEN);
        }
    }

    /**
     * A write is let in by the write token, or, on the push endpoint, by a token Google signed for it; with neither
     * configured it is open. 401 at once when nothing can let it in. Google's check may have to fetch Google's keys,
     * so it is returned to be run on a worker, never on a thread that moves bytes: 401 for a token that is not
     * Google's, 503 while Google's keys cannot be fetched (Pub/Sub delivers again).
     */
    Runnable authorizeWrite(HttpExchange exchange, Way way) {
        if ((way == Way.TRACK || way == Way.BATCH) && writeKey != null) {
            authorizeWriteKey(exchange);
            return () -> { };
        }
        boolean google = way == Way.PUSH && pushVerifier != null;
        if (writeToken == null && !google) {
            return () -> { };
        }
        String bearer = bearer(exchange);
        if (matches(writeToken, bearer)) {
            return () -> { };
        }
        if (!google || bearer == null) {
            throw unauthorized(exchange, WRONG_TOKEN);
        }
        return () -> {
            try {
                pushVerifier.verify(bearer);
            } catch (GooglePushVerifier.InvalidPushToken e) {
                throw unauthorized(exchange, e.getMessage());
            } catch (GooglePushVerifier.PushVerifierUnavailable e) {
                exchange.setHeader(HttpHeader.RETRY_AFTER, "1");
                throw new HttpError(503, e.getMessage());
            }
        };
    }

    /**
     * RudderStack's SDKs send the write key as the user name of HTTP Basic, with an empty password. Constant time, as
     * the tokens.
     */
    private void authorizeWriteKey(HttpExchange exchange) {
        String header = exchange.header(HttpHeader.AUTHORIZATION);
        byte[] presented = null;
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                presented = Base64.getDecoder().decode(header.substring(6).strip());
            } catch (IllegalArgumentException e) {
                // not base64: no key was presented, and the check below refuses it
            }
        }
        byte[] expected = new byte[writeKey.length + 1];
        System.arraycopy(writeKey, 0, expected, 0, writeKey.length);
        expected[writeKey.length] = ':';
        if (presented == null || !MessageDigest.isEqual(expected, presented)) {
            exchange.setHeader(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"eventstore\"");
            throw new HttpError(401, "missing or wrong write key: send it as the user name of HTTP Basic, with an "
                    + "empty password");
        }
    }

    /**
     * RudderStack's SDKs send a gzip body declared as a form ({@code application/x-www-form-urlencoded}). A page of
     * another site cannot set {@code Content-Encoding} without the browser asking first, so a gzip body on
     * {@code /v1/*} is let in whatever its type; any other body must be declared JSON.
     */
    static void requireJson(HttpExchange exchange, Way way) {
        boolean rudderStack = way == Way.TRACK || way == Way.BATCH;
        if (!(rudderStack && HttpGzip.gzip(exchange))) {
            requireJson(exchange);
        }
    }

    /** 415 unless the body is declared JSON: {@code application/json} or {@code application/*+json}, any parameters. */
    static void requireJson(HttpExchange exchange) {
        String type = exchange.header(HttpHeader.CONTENT_TYPE);
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!JSON.matcher(media).matches()) {
            throw new HttpError(415, "Content-Type must be application/json, was "
                    + (type == null ? "none" : ErrorMessages.quote(type)));
        }
    }

    /** 415 for a body declared in a charset other than UTF-8: it would be read as UTF-8 all the same. */
    static void requireUtf8(HttpExchange exchange) {
        String type = exchange.header(HttpHeader.CONTENT_TYPE);
        if (type == null) {
            return;
        }
        for (String parameter : type.split(";")) {
            String[] pair = parameter.split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                String charset = pair[1].strip().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw new HttpError(415, "charset " + ErrorMessages.quote(charset)
                            + " is not accepted: send UTF-8 (charset=utf-8, or no charset)");
                }
            }
        }
    }

    private static String bearer(HttpExchange exchange) {
        String header = exchange.header(HttpHeader.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7) : null;
    }

    /** Constant time: how much of a guess was right must not show in how long its refusal takes. */
    private static boolean matches(byte[] token, String presented) {
        return token != null && presented != null && MessageDigest.isEqual(token, presented.getBytes(UTF_8));
    }

    private static HttpError unauthorized(HttpExchange exchange, String message) {
        exchange.setHeader(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        return new HttpError(401, message);
    }
}
