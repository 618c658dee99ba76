package com.sevenmind.eventstore.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * A Citus cluster's status as {@link Database#cluster()} reads it from Citus's own catalog on the coordinator:
 * {@code pg_dist_node} for the nodes, {@code citus_check_connection_to_node} for whether the coordinator reaches each,
 * {@code citus_shards} for the shards and their bytes, {@code pg_dist_partition} for how each table is distributed.
 * On a database without the citus extension, only {@code citus: false} and the server's version.
 *
 * <p>The store's tables are the tables of the store's schema, without Flyway's history.
 *
 * @param citus             whether the database has the citus extension
 * @param citusVersion      the extension's version; null without Citus
 * @param postgresqlVersion the server's version
 * @param nodes             the primary nodes, the coordinator first; null without Citus
 * @param eventsShardCount  the shards of {@code events}; null without Citus, or when it is not distributed
 * @param tables            the store's tables, by name; null without Citus
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterStatus(boolean citus, String citusVersion, String postgresqlVersion, List<Node> nodes,
                            Long eventsShardCount, List<Table> tables) {

    /** How long the coordinator waits for a node before calling it unreachable: a hung node must not hang status. */
    public static final String CONNECT_TIMEOUT = "5s";

    /**
     * A node of the cluster.
     *
     * @param host      its host name, as registered
     * @param port      its port
     * @param role      coordinator or worker
     * @param active    whether Citus places shards on it
     * @param reachable whether the coordinator reached it within {@link #CONNECT_TIMEOUT}
     * @param shards    the shards of the store's tables placed on the node
     * @param bytes     their bytes, null when a node holding some of them did not answer
     */
    public record Node(String host, int port, String role, boolean active, boolean reachable, long shards, Long bytes) {
    }

    /**
     * One of the store's tables.
     *
     * @param name               its name
     * @param distribution       distributed, reference or local
     * @param distributionColumn the column a distributed table is split by, else null
     * @param colocatedWith      for a distributed table, the first table (by name) sharing its shards' placement
     * @param shards             its shards; 0 for a local table
     * @param bytes              on every node (a reference table once per copy), null when a node did not answer
     */
    public record Table(String name, String distribution, String distributionColumn, String colocatedWith, long shards,
                        Long bytes) {
    }

    /** Reads the status on {@code h}, a connection of the store with its schema on the search path. */
    static ClusterStatus read(Handle h) {
        String postgresql = h.createQuery("SHOW server_version").mapTo(String.class).one();
        String citus = h.createQuery("SELECT extversion FROM pg_extension WHERE extname = 'citus'")
                .mapTo(String.class).findOne().orElse(null);
        if (citus == null) {
            return new ClusterStatus(false, null, postgresql, null, null, null);
        }
        return h.inTransaction(t -> {
            t.execute("SET LOCAL citus.node_connection_timeout = '" + CONNECT_TIMEOUT + "'");
            t.execute("""
                    CREATE TEMPORARY TABLE store_tables ON COMMIT DROP AS
                    SELECT c.oid AS relid FROM pg_class c
                    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
                      AND NOT c.relispartition AND c.relname <> 'eventstore_schema_history'""");
            // One row per shard placement; shard_size is null for a node the coordinator could not reach.
            // citus_shards repeats a placement for each node of its group: only the primary's counts.
            t.execute("""
                    CREATE TEMPORARY TABLE store_shards ON COMMIT DROP AS
                    SELECT s.table_name::oid AS relid, s.nodename, s.nodeport, s.shard_size
                    FROM citus_shards s JOIN store_tables t ON t.relid = s.table_name::oid
                    JOIN pg_dist_node n ON n.nodename = s.nodename AND n.nodeport = s.nodeport
                                       AND n.noderole = 'primary'""");
            List<Node> nodes = t.createQuery("""
                    SELECT n.nodename, n.nodeport, n.groupid = 0 AS coordinator, n.isactive,
                           citus_check_connection_to_node(n.nodename, n.nodeport) AS reachable,
                           count(s.relid) AS shards,
                           CASE WHEN count(s.relid) = count(s.shard_size) THEN coalesce(sum(s.shard_size), 0)::bigint END
                               AS bytes
                    FROM pg_dist_node n
                    LEFT JOIN store_shards s ON s.nodename = n.nodename AND s.nodeport = n.nodeport
                    WHERE n.noderole = 'primary'
                    GROUP BY n.nodeid
                    ORDER BY n.groupid, n.nodeid""")
                    .map((rs, ctx) -> new Node(rs.getString("nodename"), rs.getInt("nodeport"),
                            rs.getBoolean("coordinator") ? "coordinator" : "worker", rs.getBoolean("isactive"),
                            rs.getBoolean("reachable"), rs.getLong("shards"), rs.getObject("bytes", Long.class)))
                    .list();
            List<Table> tables = t.createQuery("""
                    SELECT c.relname, p.partkey IS NOT NULL AS distributed, p.repmodel = 't' AS reference,
                           CASE WHEN p.partkey IS NOT NULL
                                THEN column_to_column_name(p.logicalrelid, p.partkey) END AS distribution_column,
                           (SELECT min(o.logicalrelid::regclass::text) FROM pg_dist_partition o
                            WHERE p.partkey IS NOT NULL AND o.colocationid = p.colocationid
                              AND o.logicalrelid <> p.logicalrelid) AS colocated_with,
                           (SELECT count(*) FROM pg_dist_shard d WHERE d.logicalrelid = c.oid) AS shards,
                           CASE WHEN p.logicalrelid IS NULL THEN pg_total_relation_size(c.oid)
                                WHEN count(s.relid) = count(s.shard_size) THEN coalesce(sum(s.shard_size), 0)::bigint
                           END AS bytes
                    FROM store_tables t
                    JOIN pg_class c ON c.oid = t.relid
                    LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
                    LEFT JOIN store_shards s ON s.relid = c.oid
                    GROUP BY c.oid, p.logicalrelid, p.partkey, p.repmodel, p.colocationid
                    ORDER BY c.relname""")
                    .map((rs, ctx) -> new Table(rs.getString("relname"),
                            rs.getBoolean("distributed") ? "distributed"
                                    : rs.getBoolean("reference") ? "reference" : "local",
                            rs.getString("distribution_column"), rs.getString("colocated_with"),
                            rs.getLong("shards"), rs.getObject("bytes", Long.class)))
                    .list();
            Long eventsShards = tables.stream().filter(table -> table.name().equals("events")).map(Table::shards)
                    .findFirst().orElse(null);
            return new ClusterStatus(true, citus, postgresql, nodes, eventsShards, tables);
        });
    }

    /**
     * The active nodes the coordinator could not reach: their shards' users cannot be served.
     *
     * @return those nodes; none without Citus
     */
    public List<Node> unreachable() {
        return nodes == null ? List.of() : nodes.stream().filter(n -> n.active() && !n.reachable()).toList();
    }
}
