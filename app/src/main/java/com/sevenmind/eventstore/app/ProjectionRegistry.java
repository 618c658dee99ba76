package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.Projection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The projections the application knows, by name. */
public final class ProjectionRegistry {

    private final Map<String, Projection<?>> byName = new LinkedHashMap<>();

    /** Names must be unique. */
    public ProjectionRegistry(List<? extends Projection<?>> projections) {
        for (Projection<?> p : projections) {
            Projection<?> clash = byName.putIfAbsent(p.name(), p);
            if (clash != null) {
                throw new IllegalStateException("two projections are named '" + p.name() + "': "
                        + clash.getClass().getName() + " and " + p.getClass().getName()
                        + "; remove one of the jars from the classpath");
            }
        }
    }

    public List<Projection<?>> all() {
        return List.copyOf(byName.values());
    }

    /**
     * What {@code demo} shows and {@code bench}'s live feed re-reads: the projections that read no payloads (the
     * quickest to run, and their views short), or all of them when every one reads payloads.
     */
    public List<Projection<?>> quickest() {
        List<Projection<?>> quickest = byName.values().stream().filter(p -> !p.needsPayload()).toList();
        return quickest.isEmpty() ? all() : quickest;
    }

    /** The names of {@code projections} joined with {@code separator}, as output names a set of them. */
    public static String names(List<Projection<?>> projections, String separator) {
        return String.join(separator, projections.stream().map(Projection::name).toList());
    }

    /** The projections named, in the order given; all of them when none is named. */
    public List<Projection<?>> select(List<String> names) {
        return names.isEmpty() ? all() : select(byName, names, "projection");
    }

    /** Those of {@code byName} named, in the order given, each once; an unknown name is refused, naming the known. */
    static <P> List<P> select(Map<String, P> byName, List<String> names, String kind) {
        List<P> selected = new ArrayList<>();
        for (String name : names) {
            P p = byName.get(name);
            if (p == null) {
                throw new IllegalArgumentException("unknown " + kind + " " + ErrorMessages.quote(name) + "; known: "
                        + String.join(", ", byName.keySet()));
            }
            if (!selected.contains(p)) {
                selected.add(p);
            }
        }
        return selected;
    }

    /** Name, class and jar of each projection: the JSON of the projections command and of GET /projections. */
    public List<Map<String, String>> rows() {
        return all().stream().map(ProjectionRegistry::row).toList();
    }

    private static Map<String, String> row(Projection<?> p) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("name", p.name());
        row.put("class", p.getClass().getName());
        row.put("jar", Plugins.source(p));
        return row;
    }
}
