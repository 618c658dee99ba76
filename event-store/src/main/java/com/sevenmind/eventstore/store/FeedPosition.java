package com.sevenmind.eventstore.store;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a reader of the {@link Feed} is, in the feed's epoch {@code epoch}: for each node that writes the feed, the
 * cursor (writing transaction, id) of the last entry read from it. One server is one node, {@link #LOCAL}. On Citus
 * each worker stamps its rows with its own transaction ids, which only its own horizon can judge, so each worker is
 * a node of its own (keyed by its server's system identifier), and the coordinator's own tables (tombstones) are
 * {@link #LOCAL}.
 *
 * <p>Its text form ({@link #toString()}, read back by {@link #parse}) is what a reader stores; treat it as opaque. On
 * one server it is {@code EPOCH.TX.ID}; on Citus {@code EPOCH.TX.ID} for the coordinator followed by {@code
 * -NODE.TX.ID} for each worker. Positions are ordered by epoch, then node by node: a reader's positions only move
 * forward in that order, as each node's cursor does.
 */
public record FeedPosition(int epoch, NavigableMap<Long, Cursor> cursors) implements Comparable<FeedPosition> {

    /** The node of one server, and of a Citus coordinator's own tables. */
    public static final long LOCAL = 0;

    /** Before every entry: where a reader without a position starts. */
    public static final FeedPosition START = new FeedPosition(0, 0, 0);

    private static final Pattern TEXT =
            Pattern.compile("(\\d{1,9})\\.(\\d{1,19}\\.\\d{1,19})((?:-\\d{1,20}\\.\\d{1,19}\\.\\d{1,19})*)");

    /** The last entry read from one node: its writing transaction (that node's id) and its id. */
    public record Cursor(long tx, long id) implements Comparable<Cursor> {
        static final Cursor ZERO = new Cursor(0, 0);

        @Override
        public int compareTo(Cursor other) {
            int byTx = Long.compareUnsigned(tx, other.tx);
            return byTx != 0 ? byTx : Long.compare(id, other.id);
        }
    }

    /**
     * A position with one cursor per node; {@link #LOCAL} is always there (zero when not read yet).
     *
     * @param epoch the feed's epoch
     * @param cursors each node's cursor
     */
    public FeedPosition {
        TreeMap<Long, Cursor> copy = new TreeMap<>(Long::compareUnsigned);
        copy.putAll(cursors);
        copy.putIfAbsent(LOCAL, Cursor.ZERO);
        cursors = Collections.unmodifiableNavigableMap(copy);
    }

    /**
     * The position of one server: after (tx, id) of {@link #LOCAL}.
     *
     * @param epoch the feed's epoch
     * @param tx the writing transaction of the last entry read
     * @param id the id of the last entry read
     */
    public FeedPosition(int epoch, long tx, long id) {
        this(epoch, new TreeMap<>(Map.of(LOCAL, new Cursor(tx, id))));
    }

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
                    + "EPOCH.TX.ID, e.g. 1.742.17, or on Citus EPOCH.TX.ID-NODE.TX.ID...");
        }
        try {
            TreeMap<Long, Cursor> cursors = new TreeMap<>(Long::compareUnsigned);
            cursors.put(LOCAL, cursor(m.group(2)));
            for (String node : m.group(3).split("-")) {
                if (!node.isEmpty()) {
                    int dot = node.indexOf('.');
                    cursors.put(Long.parseUnsignedLong(node.substring(0, dot)), cursor(node.substring(dot + 1)));
                }
            }
            return new FeedPosition(Integer.parseInt(m.group(1)), cursors);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("position '" + text + "' is out of range", e);
        }
    }

    private static Cursor cursor(String txDotId) {
        int dot = txDotId.indexOf('.');
        return new Cursor(Long.parseUnsignedLong(txDotId.substring(0, dot)), Long.parseLong(txDotId.substring(dot + 1)));
    }

    /**
     * The cursor of one node: zero when nothing was read from it yet.
     *
     * @param node the node, {@link #LOCAL} on one server
     * @return its cursor
     */
    public Cursor cursor(long node) {
        return cursors.getOrDefault(node, Cursor.ZERO);
    }

    /**
     * This position with one node's cursor moved to {@code to}, in {@code epoch}.
     *
     * @param epoch the feed's epoch
     * @param node the node read from
     * @param to the cursor of the entry read
     * @return the position after that entry
     */
    public FeedPosition with(int epoch, long node, Cursor to) {
        TreeMap<Long, Cursor> next = new TreeMap<>(cursors);
        next.put(node, to);
        return new FeedPosition(epoch, next);
    }

    /**
     * Whether this is {@link #START}, before every entry of every epoch.
     *
     * @return true for the start
     */
    public boolean isStart() {
        return epoch == 0 && cursors.values().stream().allMatch(Cursor.ZERO::equals);
    }

    @Override
    public int compareTo(FeedPosition other) {
        int byEpoch = Integer.compare(epoch, other.epoch);
        if (byEpoch != 0) {
            return byEpoch;
        }
        TreeSet<Long> nodes = new TreeSet<>(Long::compareUnsigned);
        nodes.addAll(cursors.keySet());
        nodes.addAll(other.cursors.keySet());
        for (long node : nodes) {
            int byNode = cursor(node).compareTo(other.cursor(node));
            if (byNode != 0) {
                return byNode;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(epoch);
        Iterator<Map.Entry<Long, Cursor>> it = cursors.entrySet().iterator();
        for (boolean first = true; it.hasNext(); first = false) {
            Map.Entry<Long, Cursor> e = it.next();
            if (!first) {
                text.append('-').append(Long.toUnsignedString(e.getKey()));
            }
            text.append('.').append(Long.toUnsignedString(e.getValue().tx())).append('.').append(e.getValue().id());
        }
        return text.toString();
    }
}
