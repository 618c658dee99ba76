package com.sevenmind.eventstore.app;

import java.util.Random;

/** Random damage to text inputs, for fuzz tests: the kinds of breakage real senders and networks produce. */
public final class Mutations {

    private static final String[] JUNK = {"", "\"", "{", "}", "[", "null", "-1", "1e999", "\\u0000", "\u00e9",
            "\ud83d\ude00", ",", ":", "\"timestamp\":\"2024-13-45T99:00:00Z\"", "\"user_id\":42", "true", "\\"};

    private Mutations() {
    }

    /** One to three deletions, insertions of JSON-ish junk, replaced characters, truncations or case changes. */
    public static String mutate(String line, Random random) {
        StringBuilder s = new StringBuilder(line);
        for (int n = 1 + random.nextInt(3); n > 0 && s.length() > 0; n--) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(5)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, JUNK[random.nextInt(JUNK.length)]);
                case 2 -> s.setCharAt(at, (char) (' ' + random.nextInt(95)));
                case 3 -> s.setLength(at);
                default -> {
                    int to = Math.min(s.length(), at + random.nextInt(20));
                    s.replace(at, to, s.substring(at, to).toUpperCase());
                }
            }
        }
        return s.toString();
    }
}
