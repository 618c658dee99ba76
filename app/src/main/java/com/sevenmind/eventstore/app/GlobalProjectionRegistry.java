package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.GlobalProjection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The global projections found on the class path, by name. */
public final class GlobalProjectionRegistry {

    private final Map<String, GlobalProjection<?>> byName = new LinkedHashMap<>();

    public GlobalProjectionRegistry(List<? extends GlobalProjection<?>> projections) {
        projections.stream().sorted(Comparator.comparing(GlobalProjection::name)).forEach(p -> {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalStateException("two global projections are named '" + p.name() + "': "
                        + byName.get(p.name()).getClass().getName() + " and " + p.getClass().getName());
            }
        });
    }

    public List<GlobalProjection<?>> all() {
        return List.copyOf(byName.values());
    }

    /** The global projections named, in the order given; all of them when none is named. */
    public List<GlobalProjection<?>> select(List<String> names) {
        return names.isEmpty() ? all() : ProjectionRegistry.select(byName, names, "global projection");
    }
}
