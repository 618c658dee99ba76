package com.sevenmind.eventstore.app.bench;

import com.fasterxml.jackson.annotation.JsonValue;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.ProjectionRegistry;
import com.sevenmind.eventstore.store.Feed;
import com.sevenmind.eventstore.store.ClusterStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What bench prints with --format json, as one object; field names in snake_case. */
record BenchReport(Workload workload, Append append, Project project, Cached cached, BenchLive.Result live,
                   BenchFeed.Result feed, BenchPush.Result push, Heap heap, List<Scale> scale, Machine machine, String postgresqlVersion,
                   String server, ClusterStatus cluster, double seconds) {

    static void printText(PrintWriter out, BenchReport r, ProjectionRegistry registry) {
        Workload w = r.workload();
        Machine m = r.machine();
        out.printf("workload  %,d events of %d users: a main user with %,d, %d users with %,d each; seed %d; "
                        + "arrival order is not time order%n", w.events(), w.users(), w.mainUserEvents(),
                w.backgroundUsers(), w.backgroundUserEvents(), w.seed());
        out.printf("server    %s %s; %d cores (%s), Java %s, %s%n", r.server(), r.postgresqlVersion(), m.cores(),
                m.cpu(), m.java(), m.os());
        ClusterStatus cluster = r.cluster();
        if (cluster.citus()) {
            long workers = cluster.nodes().stream().filter(n -> n.role().equals("worker") && n.active()).count();
            ClusterStatus.Table events = cluster.tables().stream().filter(t -> t.name().equals("events"))
                    .findFirst().orElseThrow();
            out.printf("cluster   Citus %s, %d active workers; events %s%n", cluster.citusVersion(), workers,
                    events.distribution().equals("distributed")
                            ? String.format("distributed by %s in %,d shards", events.distributionColumn(),
                            events.shards())
                            : events.distribution() + " on the coordinator");
        }
        Append a = r.append();
        out.printf("%nappend, one thread, batches of %,d: median of %d runs after %d warm-up      events/s%n",
                w.batchSize(), w.runs(), w.warmups());
        out.printf("  ours   EventStore.append, dedup on                      %10s   %,d stored, %.2f s%n",
                String.format("%,d", a.oursEventsPerS()), a.stored(), a.oursSeconds());
        out.printf("  raw    COPY into an identical table, commit per batch   %10s   %,d copied, %.2f s%n",
                String.format("%,d", a.rawCopyEventsPerS()), a.rawCopied(), a.rawCopySeconds());
        out.printf("  ours / raw                                              %10.3f%n", a.ratio());
        a.samplesEventsPerS().forEach((name, rates) -> out.printf("  runs of %-16s %s%n", name, rates));
        Project p = r.project();
        out.printf("%nproject the main user, %,d events: median of %d runs after %d warm-up     ms%n",
                p.mainUserEvents(), w.runs(), w.warmups());
        p.timesMs().forEach(t -> out.printf("  %-56s%10.1f%n", t.label(), t.value()));
        out.printf("  (a) raw read: one SELECT, fetch size %,d, every column %8.1f%n", BenchRaw.FETCH_SIZE,
                p.rawReadMs());
        out.printf("  (b) raw read and Jackson readTree of each payload       %10.1f%n", p.rawReadDecodeMs());
        p.ratios().forEach(t -> out.printf("  %-56s%10.3f%n", t.label(), t.value()));
        p.samplesMs().forEach((name, ms) -> out.printf("  runs of %-16s %s%n", name, ms));
        Cached c = r.cached();
        String together = ProjectionRegistry.names(BenchRun.alone(registry), "+");
        out.printf("%nsnapshot cache: the main user through %s, median of %d runs, ms%n", together, w.runs());
        out.printf("  after one new event in time order, states in memory     %10.1f%n", c.inOrderInMemoryMs());
        out.printf("  the same in a new process: states from the table        %10.1f%n", c.inOrderFromTableMs());
        out.printf("  after one late event (refolded; saved after the answer) %10.1f%n", c.afterLateMs());
        out.printf("  the whole stream without the cache, in the same rounds  %10.1f%n", c.fullMs());
        out.printf("  late / without the cache                                %10.3f%n", c.lateVsFull());
        c.samplesMs().forEach((name, ms) -> out.printf("  runs of %-16s %s%n", name, ms));
        BenchLive.Result l = r.live();
        out.printf("%nlive feed: commit to a follower's re-read of %s, %,d appends, ms%n",
                ProjectionRegistry.names(registry.quickest(), ", "), l.appends());
        out.printf("  median %.2f, 99th percentile %.2f, max %.2f%n", l.medianMillis(), l.p99Millis(), l.maxMillis());
        BenchFeed.Result f = r.feed();
        out.printf("%nglobal feed over the %,d stored events                      ms%n", f.events());
        out.printf("  catching up: Feed.read, %,d a batch, each as a feed line %10.1f%n", Feed.MAX_LIMIT,
                f.catchUpMs());
        out.printf("  raw: one SELECT of the same rows, each as a feed line   %10.1f%n", f.rawMs());
        out.printf("  raw / catching up                                       %10.3f%n", f.catchUpVsRaw());
        out.printf("  commit to a GET /feed/stream client, idle store, %d appends: median %.2f, max %.2f%n",
                BenchFeed.SSE_APPENDS, f.sseP50Ms(), f.sseMaxMs());
        out.printf("  rebuilding content from the beginning                   %10.1f%n", f.rebuildContentMs());
        BenchPush.Result pu = r.push();
        out.printf("%npush: %,d one-event Pub/Sub pushes from %d HTTP clients at once to serve (%d workers)%s%n",
                pu.pushes(), pu.clients(), pu.serveThreads(),
                pu.pushes() < BenchRun.PUSHES
                        ? String.format(" (fewer than a full run's %,d)", BenchRun.PUSHES) : "");
        out.printf("  pushes answered                                         %10s /s%n",
                String.format("%,d", pu.pushesPerS()));
        out.printf("  raw: single-row INSERT transactions, %d connections      %10s /s%n", pu.clients(),
                String.format("%,d", pu.rawTxPerS()));
        out.printf("  pushes / raw                                            %10.3f%n", pu.ratio());
        out.printf("  latency: median %.2f ms, 99th percentile %.2f ms, max %.2f ms%n", pu.p50Ms(), pu.p99Ms(),
                pu.maxMs());
        out.printf("  %,d shared commits, %.2f events each on average%n", pu.commits(), pu.meanBatch());
        out.printf("%nheap      %,.1f MB used after a GC, of %,.1f MB max%n", r.heap().usedMb(), r.heap().maxMb());
        if (!r.scale().isEmpty()) {
            out.printf("%nscale: %s, median of %d runs after %d warm-up, ms%n", together, w.runs(), w.warmups());
            out.printf("  %12s  %9s  %18s  %18s%n", "events", "fill s",
                    String.format("user of %,d", w.backgroundUserEvents()),
                    String.format("main user of %,d", w.mainUserEvents()));
            for (Scale s : r.scale()) {
                out.printf("  %,12d  %9.1f  %18.1f  %18.1f%n", s.events(), s.fillSeconds(), s.smallUserMs(),
                        s.mainUserMs());
            }
            for (Scale s : r.scale()) {
                printPlan(out, s.events(), "user of " + String.format("%,d", s.smallUserEvents()), s.smallUserPlan());
                printPlan(out, s.events(), "main user of " + String.format("%,d", s.mainUserEvents()),
                        s.mainUserPlan());
            }
        }
        out.printf("%ntotal %.1f s%n", r.seconds());
    }

    private static void printPlan(PrintWriter out, long events, String user, List<String> plan) {
        out.printf("%nEXPLAIN (ANALYZE, BUFFERS) of the stream query at %,d events, %s events:%n", events, user);
        plan.forEach(line -> out.println("  " + line));
    }



    record Workload(long events, int users, long mainUserEvents, int backgroundUsers, long backgroundUserEvents,
                    long seed, int batchSize, int warmups, int runs) {
    }

    /** {@code stored_total} is what the events table holds afterwards. */
    /** Rates and times are medians of the runs; {@code stored} and the counts are those of the last run. */
    record Append(long events, long stored, long duplicates, long conflicts, long storedTotal, double oursSeconds,
                  long oursEventsPerS, long rawCopied, double rawCopySeconds, long rawCopyEventsPerS, double ratio,
                  Map<String, List<Double>> samplesEventsPerS) {
    }

    /**
     * In JSON: {@code main_user_events}, {@code <projection>_ms} each, {@code both_ms} (all in one pass; named when
     * there were two), {@code raw_read_ms}, {@code raw_read_decode_ms}, the ratios by their keys, {@code samples_ms}.
     */
    record Project(long mainUserEvents, List<Figure> timesMs, double rawReadMs, double rawReadDecodeMs,
                   List<Figure> ratios, Map<String, List<Double>> samplesMs) {

        /**
         * The medians of {@code samples} and their ratios: each projection against the raw read it compares with,
         * and the pass of all against each that reads payloads (against each, when none does): what the others add
         * to a read that decodes payloads anyway.
         */
        static Project of(long mainEvents, List<Projection<?>> alone, Map<String, List<Double>> samples) {
            double bothMs = BenchRun.median(samples.get("both"));
            double rawMs = BenchRun.median(samples.get("raw_read"));
            double rawDecodeMs = BenchRun.median(samples.get("raw_read_decode"));
            String together = ProjectionRegistry.names(alone, "+");
            boolean anyPayload = alone.stream().anyMatch(Projection::needsPayload);
            List<Figure> times = new ArrayList<>();
            List<Figure> ratios = new ArrayList<>();
            List<Figure> bothVs = new ArrayList<>();
            for (Projection<?> p : alone) {
                String name = p.name();
                double ms = BenchRun.median(samples.get(name));
                times.add(new Figure(name + "_ms", name, BenchRun.round(ms, 1)));
                ratios.add(p.needsPayload()
                        ? new Figure(name + "_vs_raw_read_decode", name + " / (b)", BenchRun.round(ms / rawDecodeMs, 3))
                        : new Figure(name + "_vs_raw_read", name + " / (a)", BenchRun.round(ms / rawMs, 3)));
                if (p.needsPayload() || !anyPayload) {
                    bothVs.add(new Figure("both_vs_" + name, together + " / " + name, BenchRun.round(bothMs / ms, 3)));
                }
            }
            times.add(new Figure("both_ms", together, BenchRun.round(bothMs, 1)));
            ratios.addAll(bothVs);
            return new Project(mainEvents, times, BenchRun.round(rawMs, 1), BenchRun.round(rawDecodeMs, 1), ratios,
                    samples);
        }

        @JsonValue
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("main_user_events", mainUserEvents);
            timesMs.forEach(t -> json.put(t.key(), t.value()));
            json.put("raw_read_ms", rawReadMs);
            json.put("raw_read_decode_ms", rawReadDecodeMs);
            ratios.forEach(r -> json.put(r.key(), r.value()));
            json.put("samples_ms", samplesMs);
            return json;
        }
    }

    /** A figure named by the projections it measures: its JSON key and its label in text. */
    record Figure(String key, String label, double value) {
    }

    /**
     * @param inOrderInMemoryMs  re-project after one new event in time order, continuing the states in memory
     * @param inOrderFromTableMs the same in a projector that holds nothing: continuing the saved snapshots
     * @param afterLateMs        re-project after one late event: refolded from the first event, then saved
     * @param fullMs             a read of the whole stream without the cache, in the same rounds as afterLateMs
     * @param lateVsFull         afterLateMs over fullMs
     */
    record Cached(double inOrderInMemoryMs, double inOrderFromTableMs, double afterLateMs, double fullMs,
                  double lateVsFull, Map<String, List<Double>> samplesMs) {
    }

    record Heap(double usedMb, double maxMb) {
    }

    record Scale(long events, double fillSeconds, long smallUserEvents, double smallUserMs, long mainUserEvents,
                 double mainUserMs, List<String> smallUserPlan, List<String> mainUserPlan) {
    }

    record Machine(int cores, String cpu, String java, String os) {

        static Machine current() {
            String cpu = System.getProperty("os.arch");
            try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                cpu = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse(cpu);
            } catch (IOException | UncheckedIOException e) {
                // not Linux: the architecture will do
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), cpu,
                    System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"));
        }
    }
}
