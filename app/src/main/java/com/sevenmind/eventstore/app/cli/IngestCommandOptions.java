package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.app.http.IngestOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The serve options for RudderStack's HTTP API and for how quarantined inputs are answered. */
final class IngestCommandOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--rudderstack-write-key", paramLabel = "KEY",
            defaultValue = "${env:EVENTSTORE_RUDDERSTACK_WRITE_KEY}",
            description = "The write key POST /v1/track and /v1/batch must carry as the user name of HTTP Basic, as "
                    + "RudderStack's SDKs send it (env EVENTSTORE_RUDDERSTACK_WRITE_KEY; default: none, and /v1/* "
                    + "take the --token as POST /events does).")
    String writeKey;

    @Option(names = "--nack-rejected", defaultValue = "${env:EVENTSTORE_NACK_REJECTED:-false}", fallbackValue = "true",
            arity = "0..1", paramLabel = "true|false",
            description = "Answer a request whose input was quarantined 400 (409 for a conflict), so that Pub/Sub "
                    + "hands it to a dead-letter topic, instead of 200 {\"result\":\"quarantined\"} (env "
                    + "EVENTSTORE_NACK_REJECTED; default: ${DEFAULT-VALUE}).")
    boolean nackRejected;

    /** What the options ask for. Throws a usage error for a bad option. */
    IngestOptions options() {
        // A blank key (an empty environment variable) would look like protection and be none.
        if (writeKey != null && writeKey.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--rudderstack-write-key must not be blank");
        }
        return new IngestOptions(writeKey, nackRejected);
    }
}
