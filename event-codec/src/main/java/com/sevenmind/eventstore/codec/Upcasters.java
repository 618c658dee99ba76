package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Upcaster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The chain of upcasters, by event type and the version each reads: the built-in ones and any dropped in. */
final class Upcasters {

    private final Map<String, Upcaster> byTypeAndVersion = new HashMap<>();

    /** @param all the registered types' upcasters and any dropped in */
    Upcasters(List<Upcaster> all) {
        for (Upcaster u : all) {
            Upcaster clash = byTypeAndVersion.putIfAbsent(key(u.eventType(), u.fromVersion()), u);
            if (clash != null) {
                throw new IllegalStateException("two upcasters read " + u.eventType() + " version " + u.fromVersion()
                        + ": " + clash.getClass().getName() + " and " + u.getClass().getName()
                        + "; remove one of the jars from the classpath");
            }
        }
    }

    /** The payload brought from {@code version} to {@code currentVersion}, the type's. */
    ObjectNode upcast(String eventType, int version, int currentVersion, ObjectNode payload) {
        if (version > currentVersion) {
            throw new InvalidEventException(null, null, "schema version " + version + " is newer than this "
                    + "application knows (" + currentVersion + "); upgrade the application");
        }
        ObjectNode current = payload;
        for (int v = version; v < currentVersion; v++) {
            Upcaster upcaster = byTypeAndVersion.get(key(eventType, v));
            if (upcaster == null) {
                throw new InvalidEventException(null, null, "no upcaster reads " + eventType + " schema version " + v
                        + " (the current version is " + currentVersion
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
