package com.sevenmind.eventstore.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.TreeSet;

/** Where two JSON values first differ, said in one line: a path and the two values there. */
final class JsonDifference {

    /** Longer values are cut: the path says where to look. */
    private static final int SHOWN = 160;

    private JsonDifference() {
    }

    /** Null when equal; else e.g. {@code at $.sessions[3].outcome: expected "completed", was "in_progress"}. */
    static String of(JsonNode expected, JsonNode actual) {
        return expected.equals(actual) ? null : at("$", expected, actual);
    }

    private static String at(String path, JsonNode expected, JsonNode actual) {
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode e = expected.get(name);
                JsonNode a = actual.get(name);
                if (e == null || a == null) {
                    return "at " + path + "." + name + ": expected " + shown(e) + ", was " + shown(a);
                }
                if (!e.equals(a)) {
                    return at(path + "." + name, e, a);
                }
            }
        }
        if (expected.isArray() && actual.isArray()) {
            Iterator<JsonNode> e = expected.elements();
            Iterator<JsonNode> a = actual.elements();
            for (int i = 0; e.hasNext() && a.hasNext(); i++) {
                JsonNode ei = e.next();
                JsonNode ai = a.next();
                if (!ei.equals(ai)) {
                    return at(path + "[" + i + "]", ei, ai);
                }
            }
            return "at " + path + ": expected " + expected.size() + " elements, " + shown(expected) + ", was "
                    + actual.size() + ", " + shown(actual);
        }
        return "at " + path + ": expected " + shown(expected) + ", was " + shown(actual);
    }

    private static String shown(JsonNode node) {
        String text = node == null ? "nothing" : node.toString();
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "…";
    }
}
