package com.sevenmind.eventstore.store;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The store's status as {@link Database#status()} reads it: its migrations (from Flyway's history, nothing applied)
 * and its tables with their sizes; on Citus each table's distribution, as {@link ClusterStatus} reads it.
 *
 * @param schema        the store's schema
 * @param schemaVersion the version of the last migration applied, null when none is
 * @param applied       the migrations applied
 * @param pending       the migrations not applied yet
 * @param citus         whether the database is a Citus coordinator
 * @param tables        the store's tables, by name
 */
public record DbStatus(String schema, String schemaVersion, List<SchemaMigrations.Migration> applied,
                       List<SchemaMigrations.Migration> pending, boolean citus, List<Table> tables) {

    /**
     * One of the store's tables.
     *
     * @param name               its name
     * @param rowsEstimate       PostgreSQL's estimate (from the last ANALYZE, else the live rows it counted); null
     *                           for a table Citus keeps on the workers
     * @param bytes              with indexes and TOAST; on Citus those of every shard, null when a node did not answer
     * @param distribution       on Citus: distributed, reference or local; else null
     * @param distributionColumn on Citus, the column a distributed table is split by; else null
     * @param colocatedWith      on Citus, for a distributed table, the first table sharing its shards' placement
     * @param shards             on Citus, its shards; else null
     */
    public record Table(String name, Long rowsEstimate, Long bytes, String distribution, String distributionColumn,
                        String colocatedWith, Long shards) {
    }

    /** Reads the status of {@code db}, opened as it is: changes nothing. */
    static DbStatus read(Database db) {
        SchemaMigrations.Status migrations = db.migrations().status();
        return db.jdbi().withHandle(h -> {
            ClusterStatus cluster = ClusterStatus.read(h);
            Map<String, ClusterStatus.Table> distributed = cluster.citus()
                    ? cluster.tables().stream().collect(Collectors.toMap(ClusterStatus.Table::name, Function.identity()))
                    : Map.of();
            List<Table> tables = h.createQuery("""
                    SELECT c.relname,
                           CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE s.n_live_tup END AS rows_estimate,
                           pg_total_relation_size(c.oid) AS bytes
                    FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
                      AND NOT c.relispartition
                    ORDER BY c.relname""")
                    .map((rs, ctx) -> {
                        String name = rs.getString("relname");
                        ClusterStatus.Table t = distributed.get(name);
                        Long rows = rs.getObject("rows_estimate", Long.class);
                        Long bytes = rs.getObject("bytes", Long.class);
                        if (t == null) {
                            return new Table(name, rows, bytes, cluster.citus() ? "local" : null, null, null, null);
                        }
                        boolean onCoordinator = t.distribution().equals("local");
                        return new Table(name, onCoordinator ? rows : null, t.bytes(), t.distribution(),
                                t.distributionColumn(), t.colocatedWith(), t.shards());
                    })
                    .list();
            return new DbStatus(migrations.schema(), migrations.schemaVersion(), migrations.applied(),
                    migrations.pending(), cluster.citus(), tables);
        });
    }
}
