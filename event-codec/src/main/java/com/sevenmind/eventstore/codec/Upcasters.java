package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Upcaster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The chain of upcasters, by event type and the version each reads: the built-in ones and any dropped in. */
final class Upcasters {

    private final Map<String, Upcaster> byTypeAndVersion = new HashMap<>();

    Upcasters(List<Upcaster> dropIns) {
        List<Upcaster> all = new ArrayList<>();
        EventCodec.EVENT_TYPES.forEach(type -> all.add(new ContentUpcaster(type)));
        all.addAll(dropIns);
        for (Upcaster u : all) {
            Upcaster clash = byTypeAndVersion.putIfAbsent(key(u.eventType(), u.fromVersion()), u);
            if (clash != null) {
                throw new IllegalStateException("two upcasters read " + u.eventType() + " version " + u.fromVersion()
                        + ": " + clash.getClass().getName() + " and " + u.getClass().getName()
                        + "; remove one of the jars from the classpath");
            }
        }
    }

    /** The payload brought from {@code version} to the current version. */
    ObjectNode upcast(String eventType, int version, ObjectNode payload) {
        if (version > EventCodec.CURRENT_SCHEMA_VERSION) {
            throw new InvalidEventException(null, null, "schema version " + version + " is newer than this "
                    + "application knows (" + EventCodec.CURRENT_SCHEMA_VERSION + "); upgrade the application");
        }
        ObjectNode current = payload;
        for (int v = version; v < EventCodec.CURRENT_SCHEMA_VERSION; v++) {
            Upcaster upcaster = byTypeAndVersion.get(key(eventType, v));
            if (upcaster == null) {
                throw new InvalidEventException(null, null, "no upcaster reads " + eventType + " schema version " + v
                        + " (the current version is " + EventCodec.CURRENT_SCHEMA_VERSION
                        + "); put a jar with one on the class path");
            }
            current = upcaster.upcast(current);
        }
        return current;
    }

    private static String key(String eventType, int version) {
        return eventType + "@" + version;
    }
}
