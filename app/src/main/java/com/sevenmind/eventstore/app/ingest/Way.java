package com.sevenmind.eventstore.app.ingest;

/**
 * A way in: its path on the HTTP API, and the input format its bodies are quarantined as. Each has a rate of its own,
 * and its inputs are counted under its name.
 */
public enum Way {
    PUSH("/pubsub/push", Inputs.PUBSUB), EVENTS("/events", Inputs.NATIVE),
    TRACK("/v1/track", Inputs.RUDDERSTACK), BATCH("/v1/batch", Inputs.RUDDERSTACK);

    public final String path;
    public final String format;

    Way(String path, String format) {
        this.path = path;
        this.format = format;
    }

    /** The quarantine's source of the inputs that came this way. */
    public String source() {
        return "http POST " + path;
    }
}
