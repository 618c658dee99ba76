package com.sevenmind.eventstore.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.RecordedEvent;
import com.sevenmind.eventstore.codec.EventCodec;
import com.sevenmind.eventstore.testkit.UserStreams.UserStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A user stream as a read gives it: each event stored as a payload and decoded back by the store's codec, whole or
 * only the fields a projection names. Every {@value #OLD_VERSION_EVERY}rd event is stored in schema version 1, as rows
 * written before version 2 are, so that it is upcast on the way back. An event the codec cannot store (the record of
 * a type it has no registration for) stays as it is: a plug-in type's record is decoded whole anyway.
 */
final class StoredStreams {

    static final int OLD_VERSION_EVERY = 3;

    private final EventCodec codec = new EventCodec(Json.newObjectMapper());

    /** The stream decoded with only {@code fields} (empty: all). */
    UserStream decoded(UserStream stream, Set<String> fields) {
        List<RecordedEvent> events = new ArrayList<>(stream.events().size());
        for (int i = 0; i < stream.events().size(); i++) {
            RecordedEvent r = stream.events().get(i);
            Event e = r.event();
            if (!(e instanceof GenericEvent) && !codec.knows(e.eventType())) {
                events.add(r);
                continue;
            }
            int shape = i % OLD_VERSION_EVERY == 0 ? 1 : EventCodec.CURRENT_SCHEMA_VERSION;
            int version = codec.storedVersion(e, shape);
            Event read = codec.fromStored(e.eventType(), version, e.userId(), e.uniqueId(), e.timestamp(),
                    codec.payload(e, shape).getBytes(UTF_8), fields);
            events.add(new RecordedEvent(r.position(), version, r.recordedAt(), r.userId(), r.uniqueId(),
                    r.eventType(), r.timestamp(), read, r.receivedAt()));
        }
        return new UserStream(stream.user(), events);
    }
}
