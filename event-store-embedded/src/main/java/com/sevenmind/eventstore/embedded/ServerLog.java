package com.sevenmind.eventstore.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the embedded PostgreSQL wrote to its log. When it does not start, its own last FATAL or PANIC line names the
 * cause ("could not write …: No space left on device"), where a wait for it would only say that it never came up.
 */
final class ServerLog {

    /** The severity and text of a line, after PostgreSQL's prefix (time and pid by default). */
    private static final Pattern FAILURE = Pattern.compile("\\b(FATAL|PANIC):\\s+(.*)$");
    /** The last part of the log that is read: its end holds the latest start. */
    private static final int TAIL_BYTES = 64 * 1024;

    private ServerLog() {
    }

    /** The last FATAL or PANIC line of {@code log}, as {@code "PANIC: could not …"}; empty when there is none. */
    static Optional<String> lastFailure(Path log) {
        List<String> lines;
        try {
            lines = tail(log).lines().toList();
        } catch (IOException e) {
            return Optional.empty();
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher matcher = FAILURE.matcher(lines.get(i));
            if (matcher.find() && !startingUp(matcher.group(2))) {
                return Optional.of(matcher.group(1) + ": " + matcher.group(2).strip());
            }
        }
        return Optional.empty();
    }

    /** Answers to clients that connected too early; they say nothing about why a start failed. */
    private static boolean startingUp(String message) {
        return message.startsWith("the database system is starting up")
                || message.startsWith("the database system is not yet accepting connections")
                || message.startsWith("the database system is shutting down");
    }

    private static String tail(Path log) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(log)) {
            long from = Math.max(0, channel.size() - TAIL_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - from));
            channel.position(from);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // until the end
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }
}
