package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.store.Database;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"The store on a Citus cluster (give --db-url the coordinator).",
                "Workers are added and shards moved with Citus's own functions on the coordinator: "
                        + "SELECT citus_add_node('host', port); SELECT citus_rebalance_start(); "
                        + "SELECT citus_rebalance_wait();"},
        subcommands = ClusterCommand.Status.class)
final class ClusterCommand implements Runnable {

    @ParentCommand
    EventStoreCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Shows the nodes of the Citus cluster (host, port, coordinator or worker, active, reachable "
                    + "from the coordinator), the shards of the store's tables on each node and their bytes, the shard "
                    + "count of events, and how each of the store's tables is distributed (by which column, reference, "
                    + "or local to the coordinator).",
                    "On a database without Citus it says so (exit 0). Exit 1 when an active node cannot be reached "
                            + "(the status is still shown; bytes on that node are unknown)."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        ClusterCommand cluster;

        @Spec
        CommandSpec spec;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
        Format format;

        private final ObjectMapper mapper;

        @Inject
        Status(ObjectMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public Integer call() {
            ClusterStatus status;
            try (Database db = cluster.root.openDatabase()) {
                status = db.jdbi().withHandle(ClusterStatus::read);
            }
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
            s.tables().forEach(t -> out.printf(table, t.name(), distribution(t), String.format("%,d", t.shards()),
                    bytes(t.bytes())));
        }

        private static String distribution(ClusterStatus.Table t) {
            return switch (t.distribution()) {
                case "distributed" -> "distributed by " + t.distributionColumn()
                        + (t.colocatedWith() == null ? "" : ", co-located with " + t.colocatedWith());
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
}
