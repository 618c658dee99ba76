package com.sevenmind.eventstore.app.http;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium driven over the DevTools protocol, on the JDK's own WebSocket client: one page, navigated,
 * evaluated in, resized and photographed. No driver library: the few commands a test needs are plain JSON.
 */
final class Chromium implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    /** Why a browser test does not run here. */
    static final String NOT_FOUND = "no chromium on the PATH; on Debian: apt-get install chromium chromium-driver";
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final ObjectMapper mapper = Json.newObjectMapper();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());
    private WebSocket socket;
    private String session;

    /** The Chromium on the PATH, if there is one. */
    static Optional<Path> find() {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .flatMap(dir -> Stream.of("chromium", "chromium-browser").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Skips the calling test, with the reason, when {@code found} is empty; unless the environment variable CI is
     * set: there the browser test must run, so it fails instead.
     */
    static void assume(Optional<Path> found) {
        if (found.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail(NOT_FOUND + " (CI is set, so the browser test must run)");
            }
            Assumptions.abort(NOT_FOUND);
        }
    }

    private Chromium(Process process) {
        this.process = process;
    }

    /** Starts {@code executable} headless with a fresh profile in {@code profile}, and opens one blank page. */
    static Chromium start(Path executable, Path profile) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Chromium browser = new Chromium(process);
        try {
            browser.connect(browser.endpoint());
            browser.openPage();
        } catch (InterruptedException | RuntimeException e) {
            browser.close();
            throw e;
        }
        return browser;
    }

    /** Reads stderr until Chromium says where DevTools listen, then keeps draining it (a full pipe would block it). */
    private URI endpoint() throws InterruptedException {
        CompletableFuture<URI> found = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    output.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        found.complete(URI.create(m.group(1)));
                    }
                }
                found.completeExceptionally(new IllegalStateException("chromium exited: " + output));
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return found.get(START.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("chromium did not say where DevTools listen within " + START + ": "
                    + output, e);
        }
    }

    private void connect(URI endpoint) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    received(message.toString());
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).join();
    }

    private void received(String text) {
        JsonNode message;
        try {
            message = mapper.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (message.has("id")) {
            pending.remove(message.get("id").asInt()).complete(message);
        } else if (message.path("method").asText().equals("Runtime.exceptionThrown")) {
            pageErrors.add(message.at("/params/exceptionDetails").toString());
        } else if (message.path("method").asText().equals("Log.entryAdded")
                && message.at("/params/entry/level").asText().equals("error")) {
            pageErrors.add(message.at("/params/entry").toString());
        }
    }

    private void openPage() {
        String target = command("Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
        session = command("Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId").asText();
        command("Runtime.enable", Map.of());
        command("Log.enable", Map.of());
    }

    /** Sends a DevTools command (to the page, once there is one) and returns its result. */
    private JsonNode command(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = mapper.createObjectNode().put("id", id).put("method", method);
        message.set("params", mapper.valueToTree(params));
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(message.toString(), true).join();
        JsonNode response;
        try {
            response = answer.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(method + " got no answer within " + COMMAND, e);
        }
        if (response.has("error")) {
            throw new IllegalStateException(method + " failed: " + response.get("error"));
        }
        return response.get("result");
    }

    /** Loads {@code url} and waits until the page and its deferred scripts have run. */
    void navigate(String url) throws InterruptedException {
        command("Page.navigate", Map.of("url", url));
        long deadline = System.nanoTime() + COMMAND.toNanos();
        while (!loaded(url)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " did not load within " + COMMAND);
            }
            Thread.sleep(50);
        }
    }

    private boolean loaded(String url) {
        try {
            return evaluate("document.readyState === 'complete' && location.href === '" + url + "'").asBoolean();
        } catch (IllegalStateException e) {
            return false; // between two documents there is none to evaluate in
        }
    }

    /** The value of a JavaScript expression in the page (a promise is awaited), as JSON. */
    JsonNode evaluate(String expression) {
        JsonNode result = command("Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** The viewport as a device of that size: a phone is {@code mobile}, with touch and its own scroll bars. */
    void viewport(int width, int height, boolean mobile) {
        command("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    /** A PNG of what the viewport shows. */
    void screenshot(Path file) throws IOException {
        String png = command("Page.captureScreenshot", Map.of("format", "png")).get("data").asText();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    /** What the page threw or logged as an error since it was opened. */
    List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    @Override
    public void close() throws InterruptedException {
        if (socket != null) {
            socket.abort();
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
    }
}
