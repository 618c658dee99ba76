package com.sevenmind.eventstore.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Whether a kept input names one user, in any form it may have come in: the id in any case, with or without its
 * hyphens, with characters JSON-escaped ({@code \u0066…}), and inside base64 (a Pub/Sub push's {@code message.data})
 * at any depth up to {@link #MAX_DEPTH}. Valid JSON or not: inputs are kept because they could not be read.
 */
final class Mentions {

    /** base64 inside base64 inside the input, and no deeper: each level multiplies the work by four. */
    private static final int MAX_DEPTH = 2;

    /**
     * A run of base64 characters (either alphabet) long enough to hold a hyphenless id: 32 characters encode to 44.
     * Shorter runs cannot hide one, and are not decoded.
     */
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/_-]{44,}");

    /** Inputs read per round trip while scanning the quarantine: each may be 1 MiB. */
    private static final int FETCH_SIZE = 32;

    private final String hyphenated;
    private final String hyphenless;

    Mentions(UUID user) {
        this.hyphenated = user.toString();
        this.hyphenless = hyphenated.replace("-", "");
    }

    /** Deletes the quarantined inputs that name the user, reading the quarantine in constant memory. */
    long deleteFromQuarantine(Handle tx) {
        List<Long> ids = new ArrayList<>();
        tx.createQuery("SELECT id, input, reason FROM rejected_events")
                .setFetchSize(FETCH_SIZE)
                .map((rs, ctx) -> in(rs.getString(2)) || in(rs.getString(3)) ? rs.getLong(1) : null)
                .forEach(id -> {
                    if (id != null) {
                        ids.add(id);
                    }
                });
        return ids.isEmpty() ? 0 : tx.createUpdate("DELETE FROM rejected_events WHERE id = ANY(:ids)")
                .bindArray("ids", Long.class, ids).execute();
    }

    boolean in(String text) {
        return in(text, 0);
    }

    private boolean in(String text, int depth) {
        String unescaped = unescapeJson(text);
        String lower = unescaped.toLowerCase(Locale.ROOT);
        if (lower.contains(hyphenated) || lower.contains(hyphenless)) {
            return true;
        }
        if (depth == MAX_DEPTH) {
            return false;
        }
        Matcher run = BASE64_RUN.matcher(unescaped);
        while (run.find()) {
            // One alphabet for both, and every alignment: a damaged envelope (why it was quarantined) may have lost
            // or gained a character before the part that names the user.
            String chars = run.group().replace('-', '+').replace('_', '/');
            for (int offset = 0; offset < 4; offset++) {
                int length = (chars.length() - offset) / 4 * 4;
                byte[] decoded = Base64.getDecoder().decode(chars.substring(offset, offset + length));
                if (in(new String(decoded, StandardCharsets.UTF_8), depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The text with JSON's escapes replaced by what they stand for, wherever they are: an input that is not valid
     * JSON may still carry them. An escaped backslash stays a backslash, so {@code \\u0066} is not an {@code f}.
     */
    static String unescapeJson(String text) {
        int backslash = text.indexOf('\\');
        if (backslash < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, backslash);
        int i = backslash;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == 'u' && i + 6 <= text.length() && isHex(text, i + 2, i + 6)) {
                out.append((char) Integer.parseInt(text, i + 2, i + 6, 16));
                i += 6;
            } else {
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    default -> next;
                });
                i += 2;
            }
        }
        return out.toString();
    }

    private static boolean isHex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
