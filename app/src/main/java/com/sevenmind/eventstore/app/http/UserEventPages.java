package com.sevenmind.eventstore.app.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.app.ErrorMessages;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.codec.JsonFields;
import com.sevenmind.eventstore.codec.Utf8;
import com.sevenmind.eventstore.store.StoredEvents;
import com.sevenmind.eventstore.store.StreamPosition;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /users/{id}/events?limit=N&after=CURSOR}: a user's stream page by page, in stream order, each event as an
 * export line with its {@code id} and {@code recorded_at}: {@code {"events":[…],"next":"CURSOR"|null}}. A page is
 * one query with a LIMIT that goes on after the previous page's last (timestamp, unique_id), so its cost does not
 * grow with how far into the stream it is.
 */
final class UserEventPages {

    static final List<String> PARAMETERS = List.of("limit", "after");
    static final int LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final StoredEvents events;
    private final EventCodec codec;
    private final ObjectMapper mapper;

    UserEventPages(StoredEvents events, EventCodec codec, ObjectMapper mapper) {
        this.events = events;
        this.codec = codec;
        this.mapper = mapper;
    }

    /** The page the query asks for; 400 for a user id, limit or cursor that is not one. */
    Map<String, Object> page(String userId, Map<String, String> query) {
        UUID user;
        try {
            user = JsonFields.uuid(userId, "user id");
        } catch (InvalidEventException e) {
            throw new HttpError(400, "user id " + ErrorMessages.quote(userId) + " is not a UUID");
        }
        int limit = HttpRequests.limit(query.getOrDefault("limit", String.valueOf(LIMIT)), MAX_LIMIT);
        StreamPosition after = query.containsKey("after") ? decode(query.get("after")) : null;
        List<ObjectNode> page = new ArrayList<>(limit);
        StreamPosition next = events.read(user, after, limit, (e, metadata) -> {
            ObjectNode node = mapper.createObjectNode().put("id", e.position());
            node.setAll(codec.line(e.event(), metadata));
            // After the line's own fields, so that the line's shape reads as export writes it.
            node.put("recorded_at", DateTimeFormatter.ISO_INSTANT.format(e.recordedAt()));
            page.add(node);
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("events", page);
        answer.put("next", next == null ? null : encode(next));
        return answer;
    }

    /** The cursor after {@code position}: its (timestamp, unique_id), which clients need not read. */
    static String encode(StreamPosition position) {
        String key = DateTimeFormatter.ISO_INSTANT.format(position.timestamp()) + " " + position.uniqueId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(UTF_8));
    }

    /**
     * The position a cursor names; 400 for anything {@link #encode} cannot have made: a time outside the range an event
     * may have, a unique id that is blank or could not be stored, bytes that are not UTF-8. So that a crafted cursor
     * is never taken to the database, which would refuse it.
     */
    private static StreamPosition decode(String cursor) {
        try {
            Utf8.Decoded key = new Utf8().decode(Base64.getUrlDecoder().decode(cursor));
            int space = key.text().indexOf(' ');
            if (key.valid() && space > 0) {
                String uniqueId = key.text().substring(space + 1);
                if (!uniqueId.isBlank() && uniqueId.indexOf('\0') < 0) {
                    return new StreamPosition(EventCodec.parseTimestamp(key.text().substring(0, space)), uniqueId, 0,
                            0, 0);
                }
            }
        } catch (IllegalArgumentException | InvalidEventException e) {
            // answered below, as any other text that is not a cursor
        }
        throw new HttpError(400, "after: " + ErrorMessages.quote(cursor) + " is not a cursor of this endpoint; "
                + "use the \"next\" of the previous page");
    }
}
