package com.sevenmind.eventstore.app.cli;

import com.google.inject.Injector;
import com.sevenmind.eventstore.app.BuildVersion;
import com.sevenmind.eventstore.app.DatabaseConfig;
import com.sevenmind.eventstore.app.Tracing;
import com.sevenmind.eventstore.app.http.GooglePushVerifier;
import com.sevenmind.eventstore.app.http.HttpAccess;
import com.sevenmind.eventstore.app.http.HttpApi;
import com.sevenmind.eventstore.app.http.IngestOptions;
import com.sevenmind.eventstore.app.http.ServeModule;
import com.sevenmind.eventstore.store.Database;
import com.sevenmind.eventstore.store.Timeouts;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the store over HTTP until stopped (SIGTERM or Ctrl-C). All answers but the page are JSON:",
                "  GET  /                             the inspector page: open it in a browser",
                "  POST /pubsub/push                  a Pub/Sub push of one RudderStack event, wrapped or unwrapped",
                "  POST /v1/track, /v1/batch          RudderStack's HTTP API: one call, or {\"batch\":[...]}",
                "  POST /events                       a JSON array of events in the import format, all or nothing",
                "  GET  /users/{id}/projections[/{name}][?as_of=T&late_after=DURATION&late_from=TIME]   as project "
                        + "--format json",
                "  GET  /users/{id}/events[?limit=N&after=CURSOR]   the stream a page at a time (default 100, at most "
                        + "1,000): {\"events\":[…],\"next\":CURSOR|null}",
                "  GET  /users/{id}/projections/{name}/live   the same as Server-Sent Events: at once, then on every "
                        + "change",
                "  GET  /users[?limit=N]              as users --top N --format json (default 10)",
                "  GET  /projections                  as projections --format json",
                "  GET  /health                       whether the database answers",
                "  GET  /livez, /readyz               the process answers; it takes traffic (database answers, not "
                        + "stopping)",
                "  GET  /metrics                      Prometheus metrics (OpenMetrics on Accept)",
                "An input that can never be stored is quarantined (see rejected) and acknowledged as quarantined "
                        + "(refused with 4xx with --nack-rejected); while the database is unreachable the answer is "
                        + "503 and nothing is acknowledged.",
                "Writes must be Content-Type: application/json; Host and Origin must name an allowed host.",
                "Traces with OpenTelemetry when OTEL_TRACES_EXPORTER names an exporter (otlp, logging-otlp, console), "
                        + "configured by the standard OTEL_* variables; off otherwise."})
final class ServeCommand implements Callable<Integer>, DatabaseConfig.Tuned {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @ParentCommand
    EventStoreCommand root;

    @Spec
    CommandSpec spec;

    // --port wins over EVENTSTORE_PORT, which wins over PORT: the one a platform (Cloud Run) sets for every service.
    @Option(names = "--port", paramLabel = "N", defaultValue = "${env:EVENTSTORE_PORT:-${env:PORT:-8080}}",
            description = "Port to listen on; 0 for any free one (env EVENTSTORE_PORT, else PORT; default: "
                    + "${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "${env:EVENTSTORE_BIND:-127.0.0.1}",
            description = "Address to listen on; 0.0.0.0 for every interface (env EVENTSTORE_BIND; default: "
                    + "${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--token", paramLabel = "T", defaultValue = "${env:EVENTSTORE_TOKEN}",
            description = "Bearer token every POST must carry, and every GET but /health and the page may "
                    + "(env EVENTSTORE_TOKEN; default: none).")
    String token;

    @Option(names = "--read-token", paramLabel = "T", defaultValue = "${env:EVENTSTORE_READ_TOKEN}",
            description = "Bearer token (or access_token parameter) every GET but /health and the page must carry, "
                    + "unless it carries the --token (env EVENTSTORE_READ_TOKEN; default: none).")
    String readToken;

    @Option(names = "--allowed-hosts", paramLabel = "H,H...", defaultValue = "${env:EVENTSTORE_ALLOWED_HOSTS}",
            description = "Host names the Host and Origin headers may name, or * for any (env "
                    + "EVENTSTORE_ALLOWED_HOSTS; default: the --bind address, localhost, 127.0.0.1, [::1]). With "
                    + "--bind 0.0.0.0, list the names clients use.")
    String allowedHosts;

    @Mixin
    PushAuthOptions push;

    @Mixin
    IngestCommandOptions ways;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "${env:EVENTSTORE_THREADS:-8}",
            description = "Requests handled at once; " + HttpApi.Settings.QUEUE + " more may wait (env "
                    + "EVENTSTORE_THREADS; default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--max-streams", paramLabel = "N", defaultValue = "${env:EVENTSTORE_MAX_STREAMS:-64}",
            description = "Live streams open at once, each on a thread of its own outside the --threads; beyond "
                    + "that a new one is answered 503 (env EVENTSTORE_MAX_STREAMS; default: ${DEFAULT-VALUE}).")
    int maxStreams;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "${env:EVENTSTORE_MAX_BODY:-1048576}",
            description = "Longest request body taken (env EVENTSTORE_MAX_BODY; default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(names = "--drain-seconds", paramLabel = "S", defaultValue = "${env:EVENTSTORE_DRAIN_SECONDS:-5}",
            description = "On SIGTERM, /readyz fails at once and requests are still taken for this long, while the "
                    + "load balancer stops sending them; then the server stops accepting, answers what it took and "
                    + "exits 0 (env EVENTSTORE_DRAIN_SECONDS; default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--pool-size", paramLabel = "N", defaultValue = "${env:EVENTSTORE_POOL_SIZE:-8}",
            description = "Database connections in the pool, beside the live feed's one (env EVENTSTORE_POOL_SIZE; "
                    + "default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--connect-timeout", paramLabel = "S", defaultValue = "${env:EVENTSTORE_CONNECT_TIMEOUT:-3}",
            description = "Seconds to connect to the database and log in, or to wait for a connection of the pool; "
                    + "past it the request is answered 503 (env EVENTSTORE_CONNECT_TIMEOUT; default: "
                    + "${DEFAULT-VALUE}).")
    int connectTimeout;

    /** The command line's: serve's own objects come from a child of it, made once the options are checked. */
    private final Injector injector;

    @Inject
    ServeCommand(Injector injector) {
        this.injector = injector;
    }

    /** A server's limits and pool, as --connect-timeout and --pool-size say. */
    @Override
    public DatabaseConfig tune(DatabaseConfig config) {
        return config.serving(new Timeouts(Duration.ofSeconds(connectTimeout), Timeouts.SERVE.socket(),
                Timeouts.SERVE.statement()), poolSize);
    }

    @Override
    public Integer call() throws InterruptedException {
        check(port >= 0 && port <= 65_535, "--port must be 0 to 65535, was " + port);
        check(threads >= 1, "--threads must be at least 1, was " + threads);
        check(maxStreams >= 1, "--max-streams must be at least 1, was " + maxStreams);
        // One below the int limit: the server reads one byte past it to know that a body is too long.
        check(maxBody >= 1 && maxBody < Integer.MAX_VALUE, "--max-body must be 1 to 2147483646, was " + maxBody);
        check(drainSeconds >= 0 && drainSeconds <= 3_600, "--drain-seconds must be 0 to 3600, was " + drainSeconds);
        check(poolSize >= 1 && poolSize <= 1_000, "--pool-size must be 1 to 1000, was " + poolSize);
        check(connectTimeout >= 1 && connectTimeout <= 3_600,
                "--connect-timeout must be 1 to 3600 seconds, was " + connectTimeout);
        // A blank token (an empty EVENTSTORE_TOKEN) would look like protection and be none.
        check(token == null || !token.isBlank(), "--token must not be blank");
        check(readToken == null || !readToken.isBlank(), "--read-token must not be blank");
        List<String> hosts = allowedHosts == null ? HttpAccess.defaultHosts(bind)
                : Arrays.stream(allowedHosts.split(",")).map(String::strip).toList();
        check(hosts.stream().noneMatch(String::isEmpty) && !hosts.isEmpty(),
                "--allowed-hosts must be host names separated by commas, or *, was '" + allowedHosts + "'");
        GooglePushVerifier pushVerifier = push.verifier().orElse(null);
        IngestOptions ingestOptions = ways.options();
        // Before anything slow: a platform may stop an instance while it starts, and that is a clean stop too.
        CountDownLatch asked = new CountDownLatch(1);
        StopSignals.onStop(asked::countDown);
        LOG.info("starting: {}, port {}", BuildVersion.describe(), port);

        Tracing tracing = Tracing.fromEnvironment();
        HttpApi api;
        int bound;
        try {
            Injector serving = injector.createChildInjector(new ServeModule(HttpApi.Settings.of(bind, port)
                    .withTokens(token, readToken).withHosts(hosts)
                    .withLimits(threads, HttpApi.Settings.QUEUE, maxBody, maxStreams, HttpApi.Settings.CONNECTIONS)
                    .withPushVerifier(pushVerifier)
                    .withVerbose(root.verbose()), ingestOptions, tracing));
            serving.getInstance(Database.class).instrument(serving.getInstance(PrometheusMeterRegistry.class));
            api = serving.getInstance(HttpApi.class);
            bound = api.start();
        } catch (RuntimeException e) {
            tracing.close();
            throw e;
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                // The server first, so that the snapshots of answered requests are saved while the database is there
                // (closed by whoever opened it, once this command returns).
                api.close();
                tracing.close(); // the spans of the last requests, exported
            }
        };
        // Any other way out (the embedded server lost for good, SIGHUP) still answers the requests taken.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "eventstore-serve-shutdown"));
        // Asked to stop before it listened: no load balancer sent it anything, so there is nothing to drain.
        boolean listened = asked.getCount() > 0;
        LOG.info("listening on http://{}:{}", bind.contains(":") ? "[" + bind + "]" : bind, bound);
        asked.await();
        api.drain();
        if (listened) {
            LOG.info("stopping: not ready from now on, taking requests for {} s more", drainSeconds);
            Thread.sleep(drainSeconds * 1_000L);
        } else {
            LOG.info("stopping: asked to while starting");
        }
        stop.run();
        LOG.info("stopped");
        return 0;
    }

    private void check(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
