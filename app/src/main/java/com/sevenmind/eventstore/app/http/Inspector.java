package com.sevenmind.eventstore.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inspector page: {@code /} is its HTML, {@code /inspector/<file>} its script and style, all read from the class
 * path under {@code inspector/}. A file name is one plain segment with a known extension, so no path can reach
 * anything else on the class path.
 */
final class Inspector {

    private static final String PREFIX = "/inspector/";
    private static final Pattern FILE = Pattern.compile("[a-z0-9-]+\\.(html|js|css)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    /** A file of the page and its media type, sent as it is. */
    record Asset(String contentType, byte[] bytes) {
    }

    private Inspector() {
    }

    /** Whether {@code path} is the page's to answer. */
    static boolean serves(String path) {
        return path.equals("/") || path.startsWith(PREFIX);
    }

    /** The file at {@code path}, one that {@link #serves} it; a 404 for a file the page does not have. */
    static Asset asset(String path) {
        String name = path.equals("/") ? "index.html" : path.substring(PREFIX.length());
        Matcher file = FILE.matcher(name);
        if (!file.matches()) {
            throw new HttpError(404, "no such file: " + path);
        }
        try (InputStream in = Inspector.class.getResourceAsStream("/inspector/" + name)) {
            if (in == null) {
                throw new HttpError(404, "no such file: " + path);
            }
            return new Asset(TYPES.get(file.group(1)), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read inspector/" + name + " from the class path", e);
        }
    }
}
