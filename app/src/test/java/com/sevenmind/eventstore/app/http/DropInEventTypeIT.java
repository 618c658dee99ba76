package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.EventType;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.JarRunner;
import com.sevenmind.eventstore.app.PluginJar;
import com.sevenmind.eventstore.app.ServeProcess;
import com.sevenmind.eventstore.store.TestDatabase;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in, end to end: RudderStack calls of every kind are imported and pushed while no code knows
 * {@code Subscription Purchased}; then a jar built against events-api alone registers that type and a projection
 * of it; {@code project} gives the totals of the whole past, and the inspector page shows the projection and the
 * events still generic.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DropInEventTypeIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final UUID USER = UUID.fromString("6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11");

    private static final String RECORD = """
            package team.subs;

            import com.sevenmind.eventstore.api.Event;
            import com.sevenmind.eventstore.api.InvalidEventException;
            import java.time.Instant;
            import java.util.UUID;

            public record SubscriptionPurchased(UUID userId, String uniqueId, Instant timestamp, String plan,
                                                long priceCents) implements Event {
                public SubscriptionPurchased {
                    timestamp = Event.checked(userId, uniqueId, timestamp);
                    if (plan == null || plan.isBlank()) {
                        throw new InvalidEventException("plan", plan, "is missing");
                    }
                }
            }
            """;

    private static final String TYPE = """
            package team.subs;

            import com.sevenmind.eventstore.api.EventType;
            import java.util.Set;

            public final class SubscriptionPurchasedType implements EventType<SubscriptionPurchased> {
                public Class<SubscriptionPurchased> recordClass() { return SubscriptionPurchased.class; }
                public Set<String> trackNames() { return Set.of("Subscription Purchased"); }
            }
            """;

    private static final String PROJECTION = """
            package team.subs;

            import com.sevenmind.eventstore.api.Projection;
            import com.sevenmind.eventstore.api.RecordedEvent;
            import java.util.Map;
            import java.util.TreeMap;

            public final class SubscriptionsProjection implements Projection<TreeMap<String, long[]>> {
                public String name() { return "subscriptions"; }
                public TreeMap<String, long[]> initialState() { return new TreeMap<>(); }
                public TreeMap<String, long[]> apply(TreeMap<String, long[]> s, RecordedEvent e) {
                    if (e.event() instanceof SubscriptionPurchased p) {
                        long[] plan = s.computeIfAbsent(p.plan(), k -> new long[2]);
                        plan[0]++;
                        plan[1] += p.priceCents();
                    }
                    return s;
                }
                public Object view(TreeMap<String, long[]> s) {
                    Map<String, Object> byPlan = new TreeMap<>();
                    s.forEach((plan, t) -> byPlan.put(plan, Map.of("count", t[0], "total_cents", t[1])));
                    return Map.of("by_plan", byPlan);
                }
            }
            """;

    @TempDir
    Path dir;

    private static String call(String type, String event, String messageId, String properties) {
        return ("{\"type\":\"%s\",%s\"userId\":\"%s\",\"messageId\":\"%s\",\"timestamp\":\"2024-05-01T10:%s:00Z\","
                + "\"context\":{\"timezone\":\"Europe/Berlin\",\"locale\":\"de-DE\"},\"properties\":%s}").formatted(
                type, event == null ? "" : "\"event\":\"" + event + "\",", USER, messageId,
                messageId.substring(messageId.length() - 2), properties);
    }

    private static String purchase(String messageId, String plan, long cents) {
        return call("track", "Subscription Purchased", messageId, "{\"plan\":\"" + plan + "\",\"price_cents\":" + cents
                + ",\"coupon\":null}");
    }

    private static String piece(String event, String messageId) {
        return call("track", event, messageId, "{\"session_id\":\"s-1\",\"object_uri\":\"sevenmind://content/single/"
                + "a1/recording/r1\",\"position_seconds\":12.5}");
    }

    @Test
    void a_type_and_projection_dropped_in_later_see_the_whole_past() throws Exception {
        // Every kind of call, with duplicates; what a subscription projection must count, counted independently.
        List<String> imported = List.of(purchase("p-10", "yearly", 5999), piece("Content Piece Started", "c-11"),
                purchase("p-12", "monthly", 699), call("identify", null, "i-13", "{}"),
                call("page", "Home", "g-14", "{}"), call("screen", "Player", "g-15", "{}"),
                call("group", null, "g-16", "{}"), call("alias", null, "g-17", "{}"),
                call("track", "Application Opened", "a-18", "{\"build\":5120}"),
                piece("Content Piece Completed", "c-19"), purchase("p-10", "yearly", 5999),
                purchase("p-20", "monthly", 699).replace("\"userId\":\"" + USER + "\",", "\"anonymousId\":\"x\","));
        Map<String, long[]> expected = new TreeMap<>(Map.of("yearly", new long[] {2, 11998},
                "monthly", new long[] {2, 1398}));

        Path file = dir.resolve("rudder.jsonl");
        Files.write(file, imported);
        Cli.Result before = JarRunner.run(JarRunner.JAR.toString(), "--db-url", db.jdbcUrl(), "import",
                file.toString(), "--format", "rudderstack");
        assertEquals("read 12, stored 5, duplicates 1, rejected 1, conflicts 0, skipped 5\n", before.out(),
                before.toString());
        try (ServeTest.Served served = ServeTest.serve(db.database(), HttpApi.Settings.of("127.0.0.1", 0))) {
            assertEquals(200, ServeTest.send(served.base(), "POST", "/pubsub/push", ServeTest.push("m-1",
                    purchase("p-21", "yearly", 5999))).statusCode());
            assertEquals(200, ServeTest.send(served.base(), "POST", "/pubsub/push", purchase("p-22", "monthly", 699))
                    .statusCode());
            assertEquals(200, ServeTest.send(served.base(), "POST", "/pubsub/push", purchase("p-12", "monthly", 699))
                    .statusCode());
        }
        assertEquals(7, db.store().count());

        Path jar = PluginJar.build(dir.resolve("subs"), "subscriptions", Map.of(
                "team.subs.SubscriptionPurchased", RECORD, "team.subs.SubscriptionPurchasedType", TYPE,
                "team.subs.SubscriptionsProjection", PROJECTION), Map.of(
                EventType.class, "team.subs.SubscriptionPurchasedType",
                Projection.class, "team.subs.SubscriptionsProjection"));
        String classpath = JarRunner.JAR + File.pathSeparator + jar;

        Cli.Result projected = JarRunner.run(classpath, "--db-url", db.jdbcUrl(), "project", USER.toString(),
                "--projection", "subscriptions", "--projection", "stats", "--format", "json");
        assertEquals(0, projected.exit(), projected.toString());
        JsonNode result = MAPPER.readTree(projected.out());
        Map<String, List<Long>> byPlan = new TreeMap<>();
        result.at("/projections/subscriptions/by_plan").fields().forEachRemaining(plan -> byPlan.put(plan.getKey(),
                List.of(plan.getValue().get("count").asLong(), plan.getValue().get("total_cents").asLong())));
        Map<String, List<Long>> counted = new TreeMap<>();
        expected.forEach((plan, t) -> counted.put(plan, List.of(t[0], t[1])));
        assertEquals(counted, byPlan, projected.out());
        assertEquals("{\"completed_count\":1,\"started_count\":1,\"cancelled_count\":0,\"total\":2}",
                result.at("/projections/stats").toString(), "Stats as if nothing else were stored");
        assertEquals("{\"Application Opened\":1}", result.get("unknown_event_types").toString());
        assertEquals(7, result.get("event_count").asInt());

        inspectorShows(classpath);
    }

    /** The inspector page, served with the jar, lists the projection and the generic events. */
    private void inspectorShows(String classpath) throws Exception {
        Optional<Path> chromium = Chromium.find();
        Chromium.assume(chromium);
        Process server = new ProcessBuilder(JarRunner.command(classpath, "--db-url", db.jdbcUrl(), "serve", "--port",
                "0")).redirectError(dir.resolve("serve.log").toFile()).start();
        try (Chromium browser = Chromium.start(chromium.get(), dir.resolve("profile"))) {
            String base = ServeProcess.awaitListening(server, dir.resolve("serve.log"));
            browser.viewport(1280, 900, false);
            browser.navigate(base + "/#user=" + USER);
            String shown = """
                    (() => {
                      const section = document.querySelector('#views section[data-projection="subscriptions"]');
                      return section === null || document.getElementById('user').hidden ? null
                          : [document.getElementById('user-summary').textContent.replace(/ · updated .*/, ''),
                             section.querySelector('h3').textContent, section.textContent.includes('11,998')
                                 || section.textContent.includes('11998')];
                    })()""";
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            JsonNode value = browser.evaluate(shown);
            while (value.isNull() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                value = browser.evaluate(shown);
            }
            value.forEach(v -> seen.add(v.asText()));
            assertEquals(3, seen.size(), "the page showed the user with the projection: " + seen);
            assertTrue(seen.get(0).startsWith("7 events · ") && seen.get(0).endsWith(" · 1 generic (Application Opened 1)"),
                    seen.get(0));
            assertEquals(List.of("Subscriptions", "true"), seen.subList(1, 3));
            assertEquals(List.of(), browser.pageErrors());
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }
}
