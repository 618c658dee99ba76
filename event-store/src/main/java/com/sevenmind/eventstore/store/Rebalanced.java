package com.sevenmind.eventstore.store;

import org.jdbi.v3.core.Handle;

/**
 * What {@link Database#rebalance()} moved: Citus's own {@code citus_rebalance_start}, waited for with
 * {@code citus_rebalance_wait}.
 *
 * @param jobId Citus's background job, null when nothing had to move
 * @param moves the shard groups moved
 */
public record Rebalanced(Long jobId, long moves) {

    /** Starts the rebalance on {@code h} and waits for it; fails saying why on a database without Citus. */
    static Rebalanced run(Handle h) {
        if (h.createQuery("SELECT count(*) FROM pg_extension WHERE extname = 'citus'").mapTo(Long.class).one() == 0) {
            throw new IllegalStateException("not a Citus cluster: the database has no citus extension; "
                    + "there are no shards to move");
        }
        Long job = h.createQuery("SELECT citus_rebalance_start()").mapTo(Long.class).one();
        if (job == null) {
            return new Rebalanced(null, 0);
        }
        h.execute("SELECT citus_rebalance_wait()");
        String state = h.createQuery("SELECT state::text FROM pg_dist_background_job WHERE job_id = :job")
                .bind("job", job).mapTo(String.class).one();
        if (!state.equals("finished")) {
            throw new IllegalStateException("the rebalance, Citus job " + job + ", ended " + state
                    + "; SELECT * FROM citus_rebalance_status() on the coordinator says why");
        }
        long moves = h.createQuery("""
                SELECT count(*) FROM pg_dist_background_task
                WHERE job_id = :job AND status = 'done' AND command LIKE '%citus_move_shard_placement%'""")
                .bind("job", job).mapTo(Long.class).one();
        return new Rebalanced(job, moves);
    }
}
