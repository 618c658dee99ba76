package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.Projection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The projections the application knows, by name. */
public final class ProjectionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRegistry.class);

    private final Map<String, Projection<?>> byName = new LinkedHashMap<>();

    /** An explicit set of projections (tests, embedding); names must be unique. */
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

    /** The one place {@link ServiceLoader} is asked: every projection on the class path, sorted by name. */
    public static ProjectionRegistry discover(ClassLoader classLoader) {
        List<Projection<?>> found = new ArrayList<>();
        for (Projection<?> p : ServiceLoader.load(Projection.class, classLoader)) {
            LOG.info("projection '{}' ({}) from {}", p.name(), p.getClass().getName(), source(p));
            found.add(p);
        }
        found.sort((a, b) -> a.name().compareTo(b.name()));
        return new ProjectionRegistry(found);
    }

    public List<Projection<?>> all() {
        return List.copyOf(byName.values());
    }

    /** The projections named, in the order given; all of them when none is named. */
    public List<Projection<?>> select(List<String> names) {
        if (names.isEmpty()) {
            return all();
        }
        List<Projection<?>> selected = new ArrayList<>();
        for (String name : names) {
            Projection<?> p = byName.get(name);
            if (p == null) {
                throw new IllegalArgumentException("unknown projection '" + name + "'; known: "
                        + String.join(", ", byName.keySet()));
            }
            if (!selected.contains(p)) {
                selected.add(p);
            }
        }
        return selected;
    }

    /** Where a projection's class was loaded from: its jar, or a classes directory. */
    static String source(Projection<?> projection) {
        var codeSource = projection.getClass().getProtectionDomain().getCodeSource();
        return codeSource == null || codeSource.getLocation() == null ? "unknown" : codeSource.getLocation().getPath();
    }
}
