package com.sevenmind.eventstore.store;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Whether states saved (or held) at a position can be continued: the event the position ends on is still stored (a
 * forgotten user's is not), and no <em>late</em> event, stored after the position was taken but at or before it in
 * the stream, fell before it. A late event is one of the user with an id above the position's drawn-id bound and a
 * (timestamp, unique_id) at or before its position.
 *
 * <p>On plain PostgreSQL the check looks at the events stored since, through the feed's index: every event stored
 * after the position was taken has a {@code tx} at or above the position's {@code sinceTx}. On a store distributed
 * by user (Citus) it asks the user's shard only.
 */
final class LateCheck {

    /** Whether the event a start ends on is still stored (a forgotten user's is not). */
    static final String COVERED = Statements.sql("event_covered");

    /** Whether an event of the user stored since a start's read falls before its position: a late one. */
    private static final String LATE_EVENT = Statements.sql("late_event");

    /** Both questions, through the events stored since, in the feed's order. */
    private static final String CHECK = Statements.sql("late_check").formatted(COVERED);

    /** Newer events the check looks at; when there are more, it asks the user's stream instead. */
    private static final int CHECK_SCAN = 1_000;

    /** The same question through the user's stream: for when many events were stored since. */
    private static final String LATE = "SELECT " + LATE_EVENT;

    /**
     * Both questions about the user alone, for a store distributed by user on Citus: the coordinator sends it to
     * the user's shard only, where {@link #CHECK} would scan every shard and fail while any worker is down.
     */
    private static final String ROUTED_CHECK = "SELECT " + LATE_EVENT + " AS late, " + COVERED + " AS covered";

    /** The store checked: it knows whether it is distributed by user. */
    private final EventStore store;

    LateCheck(EventStore store) {
        this.store = store;
    }

    /**
     * @param late    whether a late event fell before the position
     * @param covered whether the event the position ends on is still stored
     */
    record Result(boolean late, boolean covered) {
    }

    /** Checks {@code covers}, a position of the user's stream, in {@code tx}'s view of the table. */
    Result check(Handle tx, UUID userId, StreamPosition covers) {
        OffsetDateTime timestamp = OffsetDateTime.ofInstant(covers.timestamp(), ZoneOffset.UTC);
        if (store.distributed(tx)) {
            return tx.createQuery(ROUTED_CHECK).bind("user", userId).bind("maxId", covers.maxId())
                    .bind("lastId", covers.id()).bind("timestamp", timestamp).bind("uniqueId", covers.uniqueId())
                    .map((rs, ctx) -> new Result(rs.getBoolean("late"), rs.getBoolean("covered")))
                    .one();
        }
        boolean[] complete = {false};
        Result check = tx.createQuery(CHECK).bind("user", userId).bind("maxId", covers.maxId())
                .bind("lastId", covers.id()).bind("timestamp", timestamp).bind("uniqueId", covers.uniqueId())
                .bind("since", covers.sinceTx()).bind("scan", CHECK_SCAN)
                .map((rs, ctx) -> {
                    complete[0] = rs.getBoolean("complete");
                    return new Result(rs.getBoolean("late"), rs.getBoolean("covered"));
                })
                .one();
        if (check.late() || complete[0]) {
            return check;
        }
        boolean late = tx.createQuery(LATE).bind("user", userId).bind("maxId", covers.maxId())
                .bind("timestamp", timestamp).bind("uniqueId", covers.uniqueId())
                .mapTo(Boolean.class).one();
        return new Result(late, check.covered());
    }
}
