package com.sevenmind.eventstore.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.app.Output;
import com.sevenmind.eventstore.store.ClusterStatus;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Rebalanced;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"The store on a Citus cluster (give --db-url the coordinator).",
                "Workers are added with Citus's own function on the coordinator: SELECT citus_add_node('host', port);"
                        + " then rebalance moves shards to them."},
        subcommands = {ClusterCommand.Status.class, ClusterCommand.Rebalance.class})
final class ClusterCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    /** What both subcommands take: the database, and text or JSON out. */
    private abstract static class Subcommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
        Format format;

        final ObjectMapper mapper;
        final Provider<Database> database;

        Subcommand(ObjectMapper mapper, Provider<Database> database) {
            this.mapper = mapper;
            this.database = database;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Shows the nodes of the Citus cluster (host, port, coordinator or worker, active, reachable "
                    + "from the coordinator), the shards of the store's tables on each node and their bytes, the shard "
                    + "count of events, and how each of the store's tables is distributed (by which column, reference, "
                    + "or local to the coordinator).",
                    "On a database without Citus it says so (exit 0). Exit 1 when an active node cannot be reached "
                            + "(the status is still shown; bytes on that node are unknown)."})
    static final class Status extends Subcommand {

        @Inject
        Status(ObjectMapper mapper, Provider<Database> database) {
            super(mapper, database);
        }

        @Override
        public Integer call() {
            ClusterStatus status = database.get().cluster();
            PrintWriter out = spec.commandLine().getOut();
            if (format == Format.json) {
                Output.json(out, mapper, status);
            } else {
                printText(out, status);
            }
            out.flush();
            List<ClusterStatus.Node> unreachable = status.unreachable();
            if (unreachable.isEmpty()) {
                return 0;
            }
            PrintWriter err = spec.commandLine().getErr();
            unreachable.forEach(n -> err.printf("eventstore: %s %s:%d does not answer the coordinator "
                    + "(within %s); its shards' users cannot be served%n", n.role(), n.host(), n.port(),
                    ClusterStatus.CONNECT_TIMEOUT));
            err.flush();
            return 1;
        }

        private static void printText(PrintWriter out, ClusterStatus s) {
            if (!s.citus()) {
                out.printf("not a Citus cluster: the database has no citus extension (PostgreSQL %s); every table "
                        + "is on this one server%n", s.postgresqlVersion());
                return;
            }
            out.printf("Citus %s on PostgreSQL %s; events in %s shards%n", s.citusVersion(), s.postgresqlVersion(),
                    s.eventsShardCount() == null ? "no" : String.format("%,d", s.eventsShardCount()));
            out.println();
            String node = "%-24s  %5s  %-11s  %-6s  %-9s  %6s  %15s%n";
            out.printf(node, "HOST", "PORT", "ROLE", "ACTIVE", "REACHABLE", "SHARDS", "BYTES");
            if (s.nodes().isEmpty()) {
                out.println("(no nodes registered: the coordinator keeps every shard)");
            }
            s.nodes().forEach(n -> out.printf(node, n.host(), n.port(), n.role(), yesNo(n.active()),
                    yesNo(n.reachable()), String.format("%,d", n.shards()), bytes(n.bytes())));
            out.println();
            String table = "%-24s  %-52s  %6s  %15s%n";
            out.printf(table, "TABLE", "DISTRIBUTION", "SHARDS", "BYTES");
            s.tables().forEach(t -> out.printf(table, t.name(),
                    distribution(t.distribution(), t.distributionColumn(), t.colocatedWith()),
                    String.format("%,d", t.shards()), bytes(t.bytes())));
        }

        /** A table's distribution in words: {@code kind} is distributed, reference or local. */
        static String distribution(String kind, String column, String colocatedWith) {
            return switch (kind) {
                case "distributed" -> "distributed by " + column
                        + (colocatedWith == null ? "" : ", co-located with " + colocatedWith);
                case "reference" -> "reference (a copy on every node)";
                default -> "local (on the coordinator)";
            };
        }

        private static String yesNo(boolean value) {
            return value ? "yes" : "NO";
        }

        private static String bytes(Long bytes) {
            return bytes == null ? "unknown" : String.format("%,d", bytes);
        }
    }

    @Command(name = "rebalance", mixinStandardHelpOptions = true,
            description = {"Moves shards until every active worker holds its share, with Citus's own "
                    + "citus_rebalance_start, and waits for the moves (citus_rebalance_wait). Run it after adding "
                    + "workers with citus_add_node. Each move takes a shard group: a range of users' events with "
                    + "their snapshots. With wal_level = logical on the nodes the store keeps writing meanwhile.",
                    "Prints the shard groups moved, or that none needed to move. Exit 1 on a database without "
                            + "Citus, or when a move fails."})
    static final class Rebalance extends Subcommand {

        @Inject
        Rebalance(ObjectMapper mapper, Provider<Database> database) {
            super(mapper, database);
        }

        /** @param jobId Citus's background job, null when nothing had to move */
        record Moved(Long jobId, long moves, double seconds) {
        }

        @Override
        public Integer call() {
            long start = System.nanoTime();
            Rebalanced rebalanced = database.get().rebalance();
            Moved moved = new Moved(rebalanced.jobId(), rebalanced.moves(),
                    rebalanced.jobId() == null ? 0 : Math.round((System.nanoTime() - start) / 1e8) / 10.0);
            PrintWriter out = spec.commandLine().getOut();
            if (format == Format.json) {
                Output.json(out, mapper, moved);
            } else if (moved.jobId() == null) {
                out.println("nothing to move: the shards are balanced over the active workers");
            } else {
                out.printf("moved %,d shard groups in %.1f s (Citus job %d); see cluster status%n", moved.moves(),
                        moved.seconds(), moved.jobId());
            }
            out.flush();
            return 0;
        }
    }
}
