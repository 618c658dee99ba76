package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.app.Cli;
import com.sevenmind.eventstore.app.JarRunner;
import com.sevenmind.eventstore.app.PluginJar;
import com.sevenmind.eventstore.app.ServeProcess;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.store.TestDatabase;
import com.sevenmind.eventstore.store.TestEvents;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspector page in a real headless Chromium, served by the shaded jar's {@code serve} on a real PostgreSQL:
 * what it shows is what {@code project --format json} prints, before and after another process imports events.
 * The server has a projection dropped in as a jar, which the page shows with its generic view. Screenshots at a
 * laptop's and a phone's width go to {@code target/}. The global projections are shown below the user, as
 * {@code global --format json} prints them.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InspectorPageIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @TempDir
    static Path dir;

    private static final ObjectMapper MAPPER = Json.newObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** What the page shows of the user on screen, in the terms {@link #expected} builds from project's JSON. */
    private static final String SHOWN = """
            (() => {
              if (document.getElementById('user').hidden) {
                return null;
              }
              const text = (id) => document.getElementById(id).textContent;
              return {
                user: text('user-title'),
                summary: text('user-summary').replace(/ · updated .*/, ''),
                stats: Object.fromEntries([...document.querySelectorAll(
                    '#views section[data-projection="stats"] > dl [data-figure]')]
                    .map((f) => [f.dataset.figure, f.querySelector('dd').textContent])),
                days: Object.fromEntries([...document.querySelectorAll('#chart g[data-day]')]
                    .map((g) => [g.dataset.day, g.querySelector('title').textContent])),
                sessions: text('sessions-shown'),
                session_rows: [...document.querySelectorAll('#sessions tbody tr')].map((tr) => [
                    tr.cells[0].textContent, tr.cells[3].textContent,
                    [...tr.querySelectorAll('.anomaly-name')].map((a) => a.textContent).join(', '),
                    tr.classList.contains('anomaly')].join(' | ')),
                content: text('content-shown'),
                first_content: document.querySelector('#content tbody td').title,
              };
            })()""";

    /** What the page shows of the dropped-in projection, in the terms {@link #expectedPlays} builds. */
    private static final String SHOWN_PLAYS = """
            (() => {
              const section = document.querySelector('#views section[data-projection="plays"]');
              if (document.getElementById('user').hidden || section === null || section.hidden) {
                return null;
              }
              const figures = (scope) => Object.fromEntries([...scope.querySelectorAll(':scope > dl [data-figure]')]
                  .map((f) => [f.dataset.figure, f.querySelector('dt').textContent + ' ' + f.querySelector('dd').textContent]));
              const latest = section.querySelector(':scope > [data-field="latest"]');
              return {
                heading: section.querySelector('h3').textContent,
                figures: figures(section),
                columns: [...section.querySelectorAll('thead th')].map((th) => th.textContent),
                rows: [...section.querySelectorAll('tbody tr')]
                    .map((tr) => [...tr.cells].map((td) => td.textContent).join(' | ')),
                shown: section.querySelector('.shown').textContent,
                latest: latest.querySelector('h4').textContent,
                latest_figures: figures(latest),
                latest_session: latest.querySelector('[data-field="session_id"] .value').textContent,
              };
            })()""";

    /** What the page shows of the global projection {@code content}, in the terms {@link #expectedGlobal} builds. */
    private static final String SHOWN_GLOBAL = """
            (() => {
              const section = document.querySelector('#global section[data-global="content"]');
              if (section === null || section.querySelector('table') === null) {
                return null;
              }
              return {
                heading: section.querySelector('h3').textContent,
                position: section.querySelector('.position code').textContent,
                columns: [...section.querySelectorAll('thead th')].map((th) => th.textContent),
                rows: [...section.querySelectorAll('tbody tr')]
                    .map((tr) => [...tr.cells].map((td) => td.textContent).join(' | ')),
                shown: section.querySelector('.shown').textContent,
              };
            })()""";

    /**
     * Written against events-api alone, as a team would: figures, a table of sessions and a nested object, none of
     * which the page knows.
     */
    private static final String PLAYS = """
            package team.example;

            import com.sevenmind.eventstore.api.Projection;
            import com.sevenmind.eventstore.api.RecordedEvent;
            import java.util.ArrayList;
            import java.util.LinkedHashMap;
            import java.util.List;
            import java.util.Map;
            import java.util.TreeMap;

            public final class PlaysProjection implements Projection<TreeMap<String, List<String>>> {
                public String name() { return "plays"; }
                public TreeMap<String, List<String>> initialState() { return new TreeMap<>(); }
                public TreeMap<String, List<String>> apply(TreeMap<String, List<String>> s, RecordedEvent e) {
                    s.computeIfAbsent(e.event().sessionId(), k -> new ArrayList<>()).add(e.eventType());
                    return s;
                }
                public Object view(TreeMap<String, List<String>> s) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    long events = 0;
                    for (Map.Entry<String, List<String>> session : s.entrySet()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("session_id", session.getKey());
                        row.put("events", session.getValue().size());
                        row.put("last_event_type", session.getValue().get(session.getValue().size() - 1));
                        rows.add(row);
                        events += session.getValue().size();
                    }
                    Map<String, Object> latest = new LinkedHashMap<>();
                    latest.put("session_id", s.isEmpty() ? null : s.lastKey());
                    latest.put("events", s.isEmpty() ? 0 : s.lastEntry().getValue().size());
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("event_count", events);
                    view.put("session_count", s.size());
                    view.put("sessions", rows);
                    view.put("latest", latest);
                    return view;
                }
            }
            """;

    /** Looked for once; every test is skipped (or, in CI, failed) without it. */
    private static final Optional<Path> CHROMIUM = Chromium.find();

    private static Process server;
    /** The shaded jar and the dropped-in projection's jar. */
    private static String classpath;
    private static String base;
    private static Chromium browser;

    @BeforeAll
    static void start() throws Exception {
        if (CHROMIUM.isEmpty()) {
            // The report holds the reason of each skip; the console shows only counts, so say it here once.
            System.err.println(InspectorPageIT.class.getSimpleName() + ": " + Chromium.NOT_FOUND);
            return;
        }
        Path plays = PluginJar.build(dir.resolve("plays"), "team.example.PlaysProjection", PLAYS, Projection.class);
        classpath = JarRunner.JAR + File.pathSeparator + plays;
        server = serve("serve.log");
        base = listening(server, "serve.log");
        browser = Chromium.start(CHROMIUM.get(), dir.resolve("profile"));
        browser.viewport(1280, 900, false);
    }

    /** Starts the shaded jar's serve on a free port, with {@code options}, its stderr to {@code log}. */
    private static Process serve(String log, String... options) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--db-url", db.jdbcUrl(), "serve", "--port", "0"));
        arguments.addAll(List.of(options));
        return new ProcessBuilder(JarRunner.command(classpath, arguments.toArray(String[]::new)))
                .redirectError(dir.resolve(log).toFile()).start();
    }

    /** Where a started serve listens, from the line it prints. */
    private static String listening(Process serve, String log) throws IOException {
        return ServeProcess.awaitListening(serve, dir.resolve(log));
    }

    @BeforeEach
    void needsChromium() {
        Chromium.assume(CHROMIUM);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void a_bad_or_unknown_id_is_answered_with_what_to_do() throws Exception {
        browser.navigate(base + "/");

        assertEquals("'not-a-user' is not a user id: paste a UUID such as 6f1c4c2e-8d0b-4a59-9d3c-0f6e2b7a9c11.",
                lookUp("not-a-user"));
        assertEquals("No events are stored for user 00000000-0000-4000-8000-000000000000.",
                lookUp("00000000-0000-4000-8000-000000000000"));
        assertEquals(List.of(), browser.pageErrors());
    }

    @Test
    void the_page_shows_what_project_prints_and_follows_an_import_in_another_process_without_a_reload()
            throws Exception {
        Cli cli = new Cli(db.jdbcUrl());
        Cli.Result generated = cli.run("generate", "--users", "5", "--events", "3000", "--seed", "11", "--chaos",
                "--format", "json");
        assertEquals(0, generated.exit(), generated.toString());
        String user = MAPPER.readTree(generated.out()).get("main_characters").get(0).asText();

        browser.navigate(base + "/");
        String pick = "document.querySelector('#top-users button[data-user=\"" + user + "\"]')";
        waitUntil(() -> browser.evaluate(pick + " !== null").asBoolean(), shown -> assertTrue(shown, "top users"));
        browser.evaluate(pick + ".click()");

        JsonNode projected = project(cli, user);
        waitUntil(() -> browser.evaluate(SHOWN), shown -> assertShown(expected(projected), shown));

        browser.viewport(390, 844, true);
        waitUntil(() -> browser.evaluate("document.querySelector('#chart svg').getAttribute('width')").asInt(),
                width -> assertTrue(width < 390, "the chart is drawn again at the phone's width: " + width));
        assertEquals(390, browser.evaluate("document.documentElement.scrollWidth").asInt(),
                "no sideways scrolling at a phone's width");
        browser.evaluate("document.getElementById('user').scrollIntoView()");
        browser.screenshot(Path.of("target", "inspector-phone.png"));
        browser.viewport(1280, 900, false);

        waitUntil(() -> browser.evaluate("document.getElementById('live').textContent").asText(),
                status -> assertEquals("live", status, "the live indicator"));
        browser.evaluate("window.notReloaded = true");
        Path more = dir.resolve("more.jsonl");
        Files.write(more, newSessions(UUID.fromString(user)));
        Cli.Result imported = JarRunner.run(JarRunner.JAR.toString(), "--db-url", db.jdbcUrl(), "import",
                more.toString());
        assertEquals(0, imported.exit(), imported.toString());

        JsonNode after = project(cli, user);
        assertEquals(projected.get("event_count").asLong() + 5, after.get("event_count").asLong());
        waitUntil(() -> browser.evaluate(SHOWN), shown -> assertShown(expected(after), shown));
        assertTrue(browser.evaluate("window.notReloaded === true").asBoolean(), "updated without a reload");
        browser.evaluate("window.scrollTo(0, 0)");
        browser.screenshot(Path.of("target", "inspector-laptop.png"));
        assertEquals(List.of(), browser.pageErrors());
    }

    @Test
    void with_a_token_the_page_asks_for_it_once_then_shows_the_user_live() throws Exception {
        UUID user = UUID.fromString("3d0c8a4e-6f1b-4c2d-9e8f-7a6b5c4d3e21");
        EventCodec codec = new EventCodec(MAPPER);
        db.store().append(newSessions(user).stream().map(codec::parseLine).toList());
        Process guarded = serve("serve-token.log", "--token", "t0ken");
        try {
            String guardedBase = listening(guarded, "serve-token.log");
            browser.navigate(guardedBase + "/#user=" + user);
            waitUntil(() -> browser.evaluate("document.getElementById('token-form').hidden").asBoolean(),
                    hidden -> assertEquals(false, hidden, "the page asks for the token"));
            assertTrue(browser.evaluate(SHOWN).isNull(), "nothing shown without the token");

            browser.evaluate("document.getElementById('token').value = 't0ken';"
                    + "document.querySelector('#token-form button').click()");

            JsonNode projected = project(new Cli(db.jdbcUrl()), user.toString());
            waitUntil(() -> browser.evaluate(SHOWN), shown -> assertShown(expected(projected), shown));
            waitUntil(() -> browser.evaluate("document.getElementById('live').textContent").asText(),
                    status -> assertEquals("live", status, "the live indicator"));
            assertTrue(browser.evaluate("document.getElementById('token-form').hidden").asBoolean());
            assertTrue(browser.evaluate("document.querySelector('#top-users button[data-user=\"" + user
                    + "\"]') !== null").asBoolean(), "the top users, listed with the token");
        } finally {
            guarded.destroy();
            if (!guarded.waitFor(20, TimeUnit.SECONDS)) {
                guarded.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void a_projection_dropped_in_as_a_jar_is_shown_with_its_figures_its_table_and_its_nested_object()
            throws Exception {
        UUID user = UUID.fromString("5b7e2f0a-1c3d-4e5f-8a9b-0c1d2e3f4a5b");
        EventCodec codec = new EventCodec(MAPPER);
        Instant day = Instant.parse("2026-02-01T08:00:00Z");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 120; i++) { // more sessions than a page of rows
            String session = String.format(Locale.ROOT, "plays-%03d", i);
            events.add(TestEvents.started(user, session + "-start", session, day.plusSeconds(600L * i)));
            if (i % 3 == 0) {
                events.add(TestEvents.completed(user, session + "-end", session, day.plusSeconds(600L * i + 300)));
            }
        }
        db.store().append(events);
        Cli.Result projected = JarRunner.run(classpath, "--db-url", db.jdbcUrl(), "project", user.toString(),
                "--projection", "plays", "--format", "json");
        assertEquals(0, projected.exit(), projected.toString());
        JsonNode plays = MAPPER.readTree(projected.out()).at("/projections/plays");

        browser.navigate(base + "/#user=" + user);
        int earlierErrors = browser.pageErrors().size(); // the token test's, whose server has gone

        waitUntil(() -> browser.evaluate(SHOWN_PLAYS), shown -> assertShown(expectedPlays(plays, 100), shown));
        browser.evaluate("document.querySelector('#views section[data-projection=\"plays\"] .more button').click()");
        waitUntil(() -> browser.evaluate(SHOWN_PLAYS), shown -> assertShown(expectedPlays(plays, 120), shown));
        JsonNode stats = expected(project(new Cli(db.jdbcUrl()), user.toString())).get("stats");
        waitUntil(() -> browser.evaluate(SHOWN),
                shown -> assertEquals(stats, shown.get("stats"), "the Stats figures beside it"));
        List<String> errors = browser.pageErrors();
        assertEquals(List.of(), errors.subList(earlierErrors, errors.size()));
    }

    @Test
    void the_global_projection_content_is_shown_as_global_prints_it() throws Exception {
        Cli cli = new Cli(db.jdbcUrl());
        Cli.Result generated = cli.run("generate", "--users", "4", "--events", "800", "--seed", "23");
        assertEquals(0, generated.exit(), generated.toString());

        browser.navigate(base + "/");
        int earlierErrors = browser.pageErrors().size();

        // serve's keeper folds the new events in the background while global may print the state it last saved:
        // both are read again until they agree, on events.
        waitUntil(() -> List.of(global(cli), browser.evaluate(SHOWN_GLOBAL)), printedAndShown -> {
            JsonNode printed = printedAndShown.get(0);
            assertTrue(printed.get("view").size() > 0, "content has rows: " + printed);
            assertShown(expectedGlobal(printed), printedAndShown.get(1));
        });
        List<String> errors = browser.pageErrors();
        assertEquals(List.of(), errors.subList(earlierErrors, errors.size()));
    }

    /** What {@code global content --format json} prints. */
    private static JsonNode global(Cli cli) {
        try {
            Cli.Result result = cli.run("global", "content", "--format", "json");
            assertEquals(0, result.exit(), result.toString());
            return MAPPER.readTree(result.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the page must show of {@code printed}, a line of {@code global --format json}: one page of its rows. */
    private static JsonNode expectedGlobal(JsonNode printed) {
        JsonNode view = printed.get("view");
        DecimalFormat number = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
        number.setRoundingMode(RoundingMode.HALF_UP); // as Intl.NumberFormat('en-US') rounds
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("heading", "Content all users");
        shown.put("position", printed.get("position").asText());
        List<String> columns = new ArrayList<>();
        view.get(0).fieldNames().forEachRemaining(f -> columns.add(
                Character.toUpperCase(f.charAt(0)) + f.substring(1).replace('_', ' ')));
        shown.put("columns", columns);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(view.size(), 100); i++) {
            List<String> cells = new ArrayList<>();
            view.get(i).elements().forEachRemaining(cell -> cells.add(cell.isNull() ? "—"
                    : cell.isNumber() ? number.format(cell.decimalValue()) : cell.asText()));
            rows.add(String.join(" | ", cells));
        }
        shown.put("rows", rows);
        shown.put("shown", showing(view.size()));
        return MAPPER.valueToTree(shown);
    }

    /** What the page must show of the dropped-in projection's {@code view} with {@code rows} rows on show. */
    private static JsonNode expectedPlays(JsonNode view, int rows) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("heading", "Plays");
        shown.put("figures", Map.of(
                "event_count", String.format(Locale.ROOT, "event count %,d", view.get("event_count").asLong()),
                "session_count", String.format(Locale.ROOT, "session count %,d", view.get("session_count").asLong())));
        shown.put("columns", List.of("Session id", "Events", "Last event type"));
        List<String> shownRows = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            JsonNode row = view.get("sessions").get(i);
            shownRows.add(row.get("session_id").asText() + " | " + row.get("events").asInt() + " | "
                    + row.get("last_event_type").asText());
        }
        shown.put("rows", shownRows);
        shown.put("shown", String.format(Locale.ROOT, "showing %d of %d", rows, view.get("sessions").size()));
        shown.put("latest", "Latest");
        shown.put("latest_figures", Map.of("events", "events " + view.at("/latest/events").asInt()));
        shown.put("latest_session", view.at("/latest/session_id").asText());
        return MAPPER.valueToTree(shown);
    }

    /** Types {@code id} into the field, presses Show, and returns the message the page says. */
    private static String lookUp(String id) throws InterruptedException {
        browser.evaluate("document.getElementById('message').textContent = ''");
        browser.evaluate("document.getElementById('user-id').value = '" + id + "';"
                + "document.querySelector('#lookup button').click()");
        Supplier<String> message = () -> browser.evaluate("document.getElementById('message').textContent").asText();
        waitUntil(message, text -> assertTrue(!text.isEmpty() && !text.startsWith("loading"), text));
        return message.get();
    }

    private static JsonNode project(Cli cli, String user) throws IOException {
        Cli.Result result = cli.run("project", user, "--format", "json");
        assertEquals(0, result.exit(), result.toString());
        return MAPPER.readTree(result.out());
    }

    /** Three sessions on a day after all generated ones: one completed, one cancelled, one still in progress. */
    private static List<String> newSessions(UUID user) {
        EventCodec codec = new EventCodec(MAPPER);
        Instant day = Instant.parse("2026-03-02T08:00:00Z");
        return List.of(
                TestEvents.started(user, "live-1", "live-a", day),
                TestEvents.completed(user, "live-2", "live-a", day.plusSeconds(600)),
                TestEvents.started(user, "live-3", "live-b", day.plusSeconds(3600)),
                TestEvents.cancelled(user, "live-4", "live-b", day.plusSeconds(3700)),
                TestEvents.started(user, "live-5", "live-c", day.plusSeconds(7200))
        ).stream().map(e -> codec.toLine(e, false)).toList();
    }

    /** What the page must show of {@code projected}: {@link #SHOWN}'s shape, from project's JSON alone. */
    private static JsonNode expected(JsonNode projected) {
        JsonNode history = projected.at("/projections/history");
        List<JsonNode> sessions = new ArrayList<>();
        history.get("sessions").forEach(sessions::add);
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("user", projected.get("user_id").asText());
        shown.put("summary", String.format(Locale.ROOT, "%,d events · %,d sessions · %,d content pieces",
                projected.get("event_count").asLong(), sessions.size(), history.get("content").size()));
        Map<String, String> stats = new LinkedHashMap<>();
        projected.at("/projections/stats").fields().forEachRemaining(f ->
                stats.put(f.getKey(), String.format(Locale.ROOT, "%,d", f.getValue().asLong())));
        shown.put("stats", stats);
        Map<String, long[]> perDay = new TreeMap<>();
        List<String> outcomes = List.of("completed", "cancelled", "in_progress");
        for (JsonNode s : sessions) {
            perDay.computeIfAbsent(s.get("local_date").asText(), d -> new long[3])
                    [outcomes.indexOf(s.get("outcome").asText())]++;
        }
        Map<String, String> days = new TreeMap<>();
        perDay.forEach((day, n) -> days.put(day, String.format(Locale.ROOT,
                "%s: %d sessions: %d completed, %d cancelled, %d in progress", day, n[0] + n[1] + n[2], n[0], n[1],
                n[2])));
        shown.put("sessions", showing(sessions.size()));
        List<String> rows = new ArrayList<>();
        for (int i = sessions.size() - 1; i >= 0 && rows.size() < 100; i--) { // newest first, one page
            JsonNode s = sessions.get(i);
            List<String> anomalies = new ArrayList<>();
            s.get("anomalies").forEach(a -> anomalies.add("⚠ " + a.asText().replace('_', ' ')));
            rows.add(String.join(" | ", s.get("local_date").asText(), s.get("outcome").asText().replace('_', ' '),
                    String.join(", ", anomalies), String.valueOf(!anomalies.isEmpty())));
        }
        shown.put("content", showing(history.get("content").size()));
        shown.put("first_content", history.at("/content/0/object_uri").asText());
        shown.put("days", days);
        shown.put("session_rows", rows);
        return MAPPER.valueToTree(shown);
    }

    /** Field by field, the short ones first, so that a difference is told in a line rather than a screenful. */
    private static void assertShown(JsonNode expected, JsonNode shown) {
        assertTrue(shown.isObject(), "no user is shown");
        expected.fieldNames().forEachRemaining(field -> assertEquals(expected.get(field), shown.get(field), field));
    }

    private static String showing(int rows) {
        return String.format(Locale.ROOT, "showing %,d of %,d", Math.min(rows, 100), rows);
    }

    /** Polls until {@code check} passes on what {@code read} returns; at the deadline its last failure stands. */
    private static <T> void waitUntil(Supplier<T> read, Consumer<T> check) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            T value = read.get();
            try {
                check.accept(value);
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }
}
