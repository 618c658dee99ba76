package com.sevenmind.eventstore.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.JsonFields;
import com.sevenmind.eventstore.api.ingest.RudderStackCodec.Accepted;
import com.sevenmind.eventstore.api.ingest.RudderStackCodec.Parsed;
import com.sevenmind.eventstore.api.ingest.RudderStackCodec.Skipped;
import com.sevenmind.eventstore.store.AppendResult;
import com.sevenmind.eventstore.store.EventStore;
import com.sevenmind.eventstore.store.Quarantine;
import com.sevenmind.eventstore.store.Quarantine.Rejection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two ways in over HTTP: a Pub/Sub push of one RudderStack event, and a JSON array of native events. An answer
 * is only given once its outcome is durable: stored events are committed, and an input that can never be stored
 * (unreadable, or in conflict with what is stored) is in the quarantine before it is refused. A database failure
 * escapes as {@link com.sevenmind.eventstore.store.StoreException}, so that nothing is acknowledged.
 */
final class HttpIngest {

    /** An ingestion endpoint: its path, and the input format its bodies are quarantined as. */
    enum Way {
        PUSH("/pubsub/push", Inputs.PUBSUB), EVENTS("/events", Inputs.NATIVE);

        final String path;
        final String format;

        Way(String path, String format) {
            this.path = path;
            this.format = format;
        }

        /** The quarantine's source of the inputs that came this way. */
        String source() {
            return "http POST " + path;
        }
    }

    private static final String CONFLICT = "conflict";

    private final EventStore store;
    private final Quarantine quarantine;
    private final Inputs inputs;
    private final ObjectMapper mapper;

    HttpIngest(EventStore store, Quarantine quarantine, Inputs inputs, ObjectMapper mapper) {
        this.store = store;
        this.quarantine = quarantine;
        this.inputs = inputs;
        this.mapper = mapper;
    }

    /**
     * POST /pubsub/push: {"result":"stored"|"duplicate"}, or {"result":"skipped","reason":…} for other calls and for
     * events of forgotten users.
     */
    Map<String, String> push(String body) {
        Parsed parsed;
        try {
            parsed = inputs.read(Way.PUSH.format, body);
        } catch (InvalidEventException e) {
            throw refuse(400, Way.PUSH, body, e.getMessage());
        }
        if (parsed instanceof Skipped skipped) {
            return skipped(skipped.reason());
        }
        Event event = ((Accepted) parsed).event();
        AppendResult result = store.append(event);
        if (result.forgotten() > 0) {
            // Acknowledged, so that Pub/Sub stops delivering it; kept nowhere, as the user asked.
            return skipped("user was forgotten");
        }
        if (result.conflicts() > 0) {
            throw refuse(409, Way.PUSH, body, CONFLICT, "conflict: " + event.userId() + "/" + event.uniqueId()
                    + " is stored with other content");
        }
        return Map.of("result", result.stored() > 0 ? "stored" : "duplicate");
    }

    private static Map<String, String> skipped(String reason) {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("result", "skipped");
        answer.put("reason", reason);
        return answer;
    }

    /**
     * POST /events: all or nothing. Any invalid element refuses the request with nothing stored; else all are appended
     * in one transaction, and the conflicting ones are quarantined.
     */
    AppendResult events(String body) {
        List<String> elements;
        try {
            elements = elements(body);
        } catch (InvalidEventException e) {
            throw refuse(400, Way.EVENTS, body, e.getMessage());
        }
        List<Event> events = new ArrayList<>(elements.size());
        List<Rejection> rejected = new ArrayList<>();
        String firstError = null;
        for (int i = 0; i < elements.size(); i++) {
            try {
                // Native input is never skipped: it is an event or it is invalid.
                events.add(((Accepted) inputs.read(Way.EVENTS.format, elements.get(i))).event());
            } catch (InvalidEventException e) {
                rejected.add(Rejection.of(Way.EVENTS.source(), i + 1L, Way.EVENTS.format, elements.get(i),
                        e.getMessage()));
                if (firstError == null) {
                    firstError = "event " + (i + 1) + ": " + e.getMessage();
                }
            }
        }
        if (firstError != null) {
            quarantine.add(rejected);
            throw new HttpError(400, firstError);
        }
        List<Rejection> conflicts = new ArrayList<>();
        AppendResult result = store.append(events, i -> conflicts.add(
                Rejection.of(Way.EVENTS.source(), i + 1L, Way.EVENTS.format, elements.get(i), CONFLICT)));
        quarantine.add(conflicts);
        return result;
    }

    /** Quarantines a whole body that came {@code way}, then returns the refusal to throw, saying {@code reason}. */
    HttpError refuse(int status, Way way, String body, String reason) {
        return refuse(status, way, body, reason, reason);
    }

    private HttpError refuse(int status, Way way, String body, String reason, String answer) {
        quarantine.add(List.of(Rejection.of(way.source(), null, way.format, body, reason)));
        return new HttpError(status, answer);
    }

    /** The text of each element of a JSON array, verbatim as sent, so that a bad one is quarantined as it came. */
    private List<String> elements(String body) {
        try (JsonParser parser = mapper.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new InvalidEventException(null, null, "request body is not a JSON array of events");
            }
            List<String> elements = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                int start = (int) parser.currentTokenLocation().getCharOffset();
                // Reading the element as a tree consumes it whole (a string too), leaving the parser just after it.
                mapper.readTree(parser);
                elements.add(body.substring(start, (int) parser.currentLocation().getCharOffset()));
            }
            if (parser.nextToken() != null) {
                throw new InvalidEventException(null, null, "request body has more after its JSON array");
            }
            return elements;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(null, null, "request body is not valid JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + JsonFields.reason(e));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a request body held in memory", e);
        }
    }
}
