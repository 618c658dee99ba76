package com.sevenmind.eventstore.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The feed's read on a Citus cluster. A multi-shard commit is two-phase and its {@code COMMIT PREPARED} reaches the
 * workers after the coordinator has committed, so neither the coordinator's transaction ids nor its horizon can tell
 * whether a worker's rows are final. Each worker stamps its rows with its own transaction id and its node (the
 * trigger of afterMigrate__feed_on_citus.sql), and each node is read on its own: first every node's horizon, each in
 * a statement of its own on that node, then each node's rows after its cursor and below that horizon, given as a
 * literal. A horizon read before the rows is never above the one the rows' statement would see, so nothing can appear
 * below a node's cursor later. The nodes' rows are interleaved by the time they were stored; there is no order across
 * nodes, only within each.
 */
final class CitusFeed {

    private static final String LOCAL_HORIZON = """
            SELECT (SELECT system_identifier FROM pg_control_system())::text,
                   pg_snapshot_xmin(pg_current_snapshot())::text""";
    private static final String WORKER_HORIZONS = """
            SELECT result FROM run_command_on_workers($$
                SELECT (SELECT system_identifier FROM pg_control_system())::text || ':'
                       || pg_snapshot_xmin(pg_current_snapshot())::text$$)
            WHERE success""";
    private static final Comparator<Feed.Row> STORED = Comparator.comparing(Feed.Row::at)
            .thenComparingLong(r -> r.cursor().id());

    private CitusFeed() {
    }

    /**
     * Up to {@code limit} rows after {@code after}, each node's in its order. A node that does not answer is not read
     * this time (its rows wait; none is skipped).
     */
    static List<Feed.Row> rows(Feed feed, FeedPosition after, int limit) {
        List<List<Feed.Row>> perNode = new ArrayList<>();
        for (Map.Entry<Long, String> horizon : horizons(feed).entrySet()) {
            List<Feed.Row> rows = feed.readNode(after, horizon.getKey(), horizon.getValue(), limit);
            if (!rows.isEmpty()) {
                perNode.add(rows);
            }
        }
        List<Feed.Row> merged = new ArrayList<>();
        int[] next = new int[perNode.size()];
        while (merged.size() < limit) {
            int pick = -1;
            for (int n = 0; n < perNode.size(); n++) {
                if (next[n] < perNode.get(n).size() && (pick < 0
                        || STORED.compare(perNode.get(n).get(next[n]), perNode.get(pick).get(next[pick])) < 0)) {
                    pick = n;
                }
            }
            if (pick < 0) {
                break;
            }
            merged.add(perNode.get(pick).get(next[pick]++));
        }
        return merged;
    }

    /**
     * Each node's horizon: {@link FeedPosition#LOCAL} (the coordinator's own tables, and rows stored before the
     * trigger) and the coordinator's shards, then every worker that answers.
     */
    private static Map<Long, String> horizons(Feed feed) {
        Map<Long, String> horizons = new LinkedHashMap<>();
        Database.guarded(feed.jdbi(), feed.description(), h -> {
            h.createQuery(LOCAL_HORIZON).map((rs, ctx) -> {
                horizons.put(FeedPosition.LOCAL, rs.getString(2));
                return horizons.put(Long.parseLong(rs.getString(1)), rs.getString(2));
            }).one();
            for (String result : h.createQuery(WORKER_HORIZONS).mapTo(String.class).list()) {
                int colon = result.indexOf(':');
                horizons.put(Long.parseLong(result.substring(0, colon)), result.substring(colon + 1));
            }
            return null;
        });
        return horizons;
    }
}
