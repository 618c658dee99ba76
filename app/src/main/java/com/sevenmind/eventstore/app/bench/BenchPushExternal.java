package com.sevenmind.eventstore.app.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sevenmind.eventstore.app.Main;
import com.sevenmind.eventstore.codec.EventCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench --push-external}: pushes against PostgreSQL's commit rate as an operator would measure them. serve runs
 * in a process of its own (this build's, with its defaults, on bench's server and schema), the clients in this one on
 * raw keep-alive sockets ({@link PushClients}), and the raw limit is pgbench's: {@link #RAW_CLIENTS} clients committing
 * single-row {@code INSERT … ON CONFLICT DO NOTHING} transactions (prepared) into a copy of {@code events} on the same
 * server, measured just before each form of pushes. The forms: {@link #FORMS} clients, each against the raw rate of 8.
 * serve's CPU time per push is read from its process, a figure less noisy than a rate on a shared machine.
 */
final class BenchPushExternal {

    /** Concurrent push clients of each form: as many as the raw limit's, and as many as Pub/Sub keeps outstanding. */
    static final List<Integer> FORMS = List.of(8, 64);
    static final int RAW_CLIENTS = 8;
    /** Warm-up rounds before a form: at least, at most, and the share of the cheapest round's CPU a push that ends it. */
    private static final int MIN_WARM_ROUNDS = 2;
    private static final int MAX_WARM_ROUNDS = 8;
    private static final double SETTLED = 0.95;

    private static final String RAW_TABLE = "events_push_pgbench";
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^\\s\"]+:(\\d+)");
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

    /** pgbench's rate and mean latency. */
    record Raw(long txPerS, double latencyMs) {
    }

    /**
     * One form: pushes from {@code clients} connections, against the raw rate measured just before.
     *
     * @param vsRaw              pushesPerS over raw's transactions a second
     * @param serveCpuUsPerPush  serve's process CPU time (user and system) over the pushes, per push
     */
    record Form(int clients, int pushes, long pushesPerS, Raw raw, double vsRaw, double p50Ms, double p99Ms,
                double maxMs, double serveCpuUsPerPush) {
    }

    record Result(String server, String profile, List<Form> forms) {
    }

    private final BenchServer server;
    private final EventCodec codec;
    private final PrintWriter err;
    private final int pushes;
    private final Duration rawFor;
    private final Path jfr;

    /**
     * @param pushes pushes of each form; a warm-up round is half as many
     * @param rawFor how long pgbench runs for each raw rate
     * @param jfr    where serve records a JFR profile (settings=profile) of the first form's pushes; null for none
     */
    BenchPushExternal(BenchServer server, EventCodec codec, PrintWriter err, int pushes, Duration rawFor, Path jfr) {
        this.server = server;
        this.codec = codec;
        this.err = err;
        this.pushes = pushes;
        this.rawFor = rawFor;
        this.jfr = jfr;
    }

    /**
     * Warms serve up for a form: rounds of half a form's pushes from its clients, at least {@link #MIN_WARM_ROUNDS},
     * until a round costs serve no less CPU a push than {@link #SETTLED} of the cheapest round before (its JIT has
     * settled), at most {@link #MAX_WARM_ROUNDS}. On two cores serve's one C2 thread was still compiling after a fixed
     * warm-up of 20,000 pushes: 39% of serve's CPU in the form after it. Returns the number of the next push.
     */
    private int warmUp(Process serve, int port, int clients, int from) throws Exception {
        int round = Math.max(1, pushes / 2);
        double cheapest = Double.MAX_VALUE;
        int next = from;
        for (int r = 0; r < MAX_WARM_ROUNDS; r++) {
            long before = cpuNanos(serve);
            PushClients.send(port, clients, next, round);
            next += round;
            double perPush = (cpuNanos(serve) - before) / 1e3 / round;
            err.printf("bench: warm-up, %,d pushes from %d clients: serve's CPU %,.0f µs a push%n", round, clients,
                    perPush);
            if (r + 1 >= MIN_WARM_ROUNDS && perPush >= cheapest * SETTLED) {
                break;
            }
            cheapest = Math.min(cheapest, perPush);
        }
        return next;
    }

    Result run() throws Exception {
        Path dir = Files.createTempDirectory("eventstore-push-");
        BenchRaw.createLikeEvents(server.connection(), RAW_TABLE);
        Path log = dir.resolve("serve.log");
        Process serve = startServe(log);
        try {
            int port = awaitPort(serve, log);
            err.printf("bench: serve (pid %d) listens on port %d; its log: %s%n", serve.pid(), port, log);
            List<Form> forms = new ArrayList<>();
            int sent = 0;
            for (int i = 0; i < FORMS.size(); i++) {
                int clients = FORMS.get(i);
                sent = warmUp(serve, port, clients, sent);
                err.printf("bench: pgbench, %d clients for %d s%n", RAW_CLIENTS, rawFor.toSeconds());
                Raw raw = pgbench(dir);
                err.printf("bench: %,d pushes from %d clients%n", pushes, clients);
                boolean profiled = i == 0 && jfr != null;
                if (profiled) {
                    jcmd(serve, "JFR.start", "name=push", "settings=profile", "filename=" + jfr.toAbsolutePath());
                }
                long cpuBefore = cpuNanos(serve);
                PushClients.Timing t = PushClients.send(port, clients, sent, pushes);
                sent += pushes;
                long cpu = cpuNanos(serve) - cpuBefore;
                if (profiled) {
                    jcmd(serve, "JFR.stop", "name=push");
                }
                forms.add(new Form(clients, pushes, Math.round(t.pushesPerS()), raw,
                        BenchRun.round(t.pushesPerS() / raw.txPerS(), 3), t.p50Ms(), t.p99Ms(), t.maxMs(),
                        BenchRun.round(cpu / 1e3 / pushes, 1)));
            }
            return new Result(server.description(), jfr == null ? null : jfr.toString(), forms);
        } finally {
            serve.destroy();
            if (!serve.waitFor(30, TimeUnit.SECONDS)) {
                serve.destroyForcibly().waitFor();
            }
            try (Statement drop = server.connection().createStatement()) {
                drop.execute("DROP TABLE " + RAW_TABLE);
            }
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** serve of this build, as {@code eventstore --db-url … serve --port 0} with its defaults otherwise. */
    private Process startServe(Path log) throws IOException {
        BenchServer.Access a = server.access();
        List<String> command = List.of(javaCommand("java"), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--db-url", a.url(), "--db-schema", a.schema(), "serve", "--port", "0");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        putIfSet(builder, "EVENTSTORE_DB_USER", a.user());
        putIfSet(builder, "EVENTSTORE_DB_PASSWORD", a.password());
        return builder.start();
    }

    /** The port serve names in its log, once there (up to a minute); serve is killed if it never comes. */
    private static int awaitPort(Process serve, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline && serve.isAlive()) {
            Matcher m = LISTENING.matcher(Files.readString(log).replace("\\/", "/"));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            serve.waitFor(50, TimeUnit.MILLISECONDS);
        }
        serve.destroyForcibly();
        throw new IllegalStateException("serve did not start:\n" + Files.readString(log));
    }

    /** pgbench's rate of single-row transactions, each like a push's event, into {@link #RAW_TABLE}. */
    private Raw pgbench(Path dir) throws IOException, InterruptedException {
        BenchServer.Access a = server.access();
        Path script = dir.resolve("insert.sql");
        // In base64: pgbench would read the payload's colons as its variables.
        String payload = Base64.getEncoder().encodeToString(codec.payload(PushClients.event(0)).getBytes(UTF_8));
        Files.writeString(script, """
                \\set n random(1, 1000000000000000)
                INSERT INTO "%s".%s (user_uuid, unique_id, event_type, schema_version, "timestamp", payload)
                VALUES (md5((:n::bigint %% 1000)::text)::uuid, 'pgbench-' || :n::text, 'ContentPieceStarted', %d,
                        now(), convert_from(decode('%s', 'base64'), 'UTF8')::jsonb)
                ON CONFLICT (user_uuid, unique_id) DO NOTHING;
                """.formatted(a.schema(), RAW_TABLE, EventCodec.CURRENT_SCHEMA_VERSION, payload));
        ProcessBuilder builder = new ProcessBuilder("pgbench", "--no-vacuum", "--protocol=prepared",
                "--client=" + RAW_CLIENTS, "--jobs=" + RAW_CLIENTS, "--time=" + rawFor.toSeconds(),
                "--file=" + script, libpqUri(a.url())).redirectErrorStream(true);
        putIfSet(builder, "PGUSER", a.user());
        putIfSet(builder, "PGPASSWORD", a.password());
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("bench --push-external needs pgbench on the PATH (PostgreSQL's client "
                    + "tools, e.g. the postgresql-client package): " + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        Matcher tps = TPS.matcher(out);
        Matcher latency = LATENCY.matcher(out);
        if (p.waitFor() != 0 || !tps.find() || !latency.find()) {
            throw new IllegalStateException("pgbench failed: " + out.lines().filter(l -> l.contains("error"))
                    .findFirst().orElse(out.strip()));
        }
        return new Raw(Math.round(Double.parseDouble(tps.group(1))), Double.parseDouble(latency.group(1)));
    }

    /** The JDBC URL as libpq reads it: host, port, database, and of its parameters those libpq knows too. */
    static String libpqUri(String jdbcUrl) {
        String[] parts = jdbcUrl.replaceFirst("^jdbc:", "").split("\\?", 2);
        if (parts.length == 1) {
            return parts[0];
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : parts[1].split("&")) {
            if (parameter.matches("(user|password|sslmode)=.*")) {
                kept.add(parameter);
            }
        }
        return kept.isEmpty() ? parts[0] : parts[0] + "?" + String.join("&", kept);
    }

    private static void putIfSet(ProcessBuilder builder, String variable, String value) {
        if (value != null) {
            builder.environment().put(variable, value);
        }
    }

    static void printText(PrintWriter out, Result r) {
        out.printf("push, serve in a process of its own on %s; clients on raw keep-alive sockets; raw: pgbench, %d "
                + "clients, single-row INSERT … ON CONFLICT DO NOTHING transactions%n", r.server(), RAW_CLIENTS);
        for (Form f : r.forms()) {
            out.printf("  %2d clients  %,7d pushes/s  raw %,7d tx/s (mean %.2f ms)  pushes/raw %.3f  latency p50 "
                            + "%.2f, p99 %.2f, max %.2f ms  serve's CPU %,.0f µs/push%n", f.clients(), f.pushesPerS(),
                    f.raw().txPerS(), f.raw().latencyMs(), f.vsRaw(), f.p50Ms(), f.p99Ms(), f.maxMs(),
                    f.serveCpuUsPerPush());
        }
        if (r.profile() != null) {
            out.printf("  serve's JFR profile of the first form's pushes: %s%n", r.profile());
        }
    }

    private static void jcmd(Process serve, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(javaCommand("jcmd"), Long.toString(serve.pid())));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed:\n" + out);
        }
    }

    private static String javaCommand(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static long cpuNanos(Process p) {
        return p.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException(
                "the platform does not say serve's CPU time")).toNanos();
    }
}
