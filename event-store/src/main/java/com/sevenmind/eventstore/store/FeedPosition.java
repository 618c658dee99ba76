package com.sevenmind.eventstore.store;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a reader of the {@link Feed} is: after the entry written by transaction {@code tx} with id {@code id}, in
 * the feed's epoch {@code epoch}. Its text form ({@link #toString()}, read back by {@link #parse}) is what a reader
 * stores; treat it as opaque. Positions of one epoch are ordered as the feed is.
 */
public record FeedPosition(int epoch, long tx, long id) implements Comparable<FeedPosition> {

    /** Before every entry: where a reader without a position starts. */
    public static final FeedPosition START = new FeedPosition(0, 0, 0);

    private static final Pattern TEXT = Pattern.compile("(\\d{1,9})\\.(\\d{1,19})\\.(\\d{1,19})");
    private static final Comparator<FeedPosition> ORDER = Comparator.comparingInt(FeedPosition::epoch)
            .thenComparingLong(FeedPosition::tx).thenComparingLong(FeedPosition::id);

    /**
     * The position a reader stored; refuses text the feed never wrote, naming it.
     *
     * @param text the position as {@link #toString()} wrote it
     * @return the position
     */
    public static FeedPosition parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("position '" + text + "' is not one the feed gave: expected "
                    + "EPOCH.TX.ID, e.g. 1.742.17");
        }
        try {
            return new FeedPosition(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("position '" + text + "' is out of range", e);
        }
    }

    /**
     * Whether this is {@link #START}, before every entry of every epoch.
     *
     * @return true for the start
     */
    public boolean isStart() {
        return equals(START);
    }

    @Override
    public int compareTo(FeedPosition other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return epoch + "." + tx + "." + id;
    }
}
