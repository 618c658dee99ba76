package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.api.EventType;
import com.sevenmind.eventstore.api.GlobalProjection;
import com.sevenmind.eventstore.api.Projection;
import com.sevenmind.eventstore.api.Upcaster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What was found on the class path: projections, upcasters, event types and global projections. The one place
 * {@link ServiceLoader} is asked, so a jar dropped on the class path is picked up with no change to the application.
 */
public record Plugins(ProjectionRegistry projections, List<Upcaster> upcasters, List<EventType<?>> eventTypes,
                      GlobalProjectionRegistry globals) {

    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

    public Plugins {
        upcasters = List.copyOf(upcasters);
        eventTypes = List.copyOf(eventTypes);
    }

    public static Plugins discover(ClassLoader classLoader) {
        List<Projection<?>> projections = new ArrayList<>();
        for (Projection<?> p : ServiceLoader.load(Projection.class, classLoader)) {
            LOG.info("projection '{}' ({}) from {}", p.name(), p.getClass().getName(), source(p));
            projections.add(p);
        }
        projections.sort(Comparator.comparing(Projection::name));
        List<Upcaster> upcasters = new ArrayList<>();
        for (Upcaster u : ServiceLoader.load(Upcaster.class, classLoader)) {
            LOG.info("upcaster of {} version {} ({}) from {}", u.eventType(), u.fromVersion(), u.getClass().getName(),
                    source(u));
            upcasters.add(u);
        }
        List<EventType<?>> eventTypes = new ArrayList<>();
        for (EventType<?> t : ServiceLoader.load(EventType.class, classLoader)) {
            LOG.info("event type '{}' ({}) version {} from {}", t.name(), t.recordClass().getName(), t.schemaVersion(),
                    source(t));
            eventTypes.add(t);
        }
        List<GlobalProjection<?>> globals = new ArrayList<>();
        for (GlobalProjection<?> g : ServiceLoader.load(GlobalProjection.class, classLoader)) {
            LOG.info("global projection '{}' ({}) from {}", g.name(), g.getClass().getName(), source(g));
            globals.add(g);
        }
        return new Plugins(new ProjectionRegistry(projections), upcasters, eventTypes,
                new GlobalProjectionRegistry(globals));
    }

    /** Where a plugin's class was loaded from: its jar, or a classes directory. */
    public static String source(Object plugin) {
        var codeSource = plugin.getClass().getProtectionDomain().getCodeSource();
        return codeSource == null || codeSource.getLocation() == null ? "unknown" : codeSource.getLocation().getPath();
    }
}
