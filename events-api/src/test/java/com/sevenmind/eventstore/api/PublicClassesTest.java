package com.sevenmind.eventstore.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * events-api is the jar a projection or upcaster author builds against: it holds what they use and nothing of the
 * engine's, so that the engine can change without breaking their jars.
 */
class PublicClassesTest {

    /** What a projection or upcaster author uses. */
    private static final Set<String> ALLOWED = Set.of(
            "Content", "ContentPieceCancelled", "ContentPieceCompleted", "ContentPieceEvent", "ContentPieceStarted", "Event",
            "EventType", "GenericEvent", "GlobalProjection",
            "InvalidEventException", "Json", "Projection", "RecordedEvent", "TextView", "Upcaster");

    @Test
    void events_api_holds_only_what_a_projection_or_upcaster_author_uses() throws Exception {
        Set<String> found = publicClasses();

        Set<String> unexpected = new TreeSet<>(found);
        unexpected.removeAll(ALLOWED);
        assertTrue(unexpected.isEmpty(), "events-api gained public " + unexpected + ": it holds only what a "
                + "projection or upcaster author uses. Engine classes belong in event-codec (JSON formats, upcasting, "
                + "ingestion) or event-store (storage, reads, folding); if authors do need it, add it to ALLOWED");

        Set<String> gone = new TreeSet<>(ALLOWED);
        gone.removeAll(found);
        assertEquals(Set.of(), gone, "no longer public in events-api: remove from ALLOWED");
    }

    /** The public classes in events-api's jar or classes directory, named relative to its package. */
    private static Set<String> publicClasses() throws IOException, URISyntaxException {
        Path location = Path.of(Projection.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            return publicClasses(location);
        }
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            return publicClasses(jar.getPath("/"));
        }
    }

    private static Set<String> publicClasses(Path root) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
                if (name.endsWith("module-info")) {
                    continue;
                }
                Class<?> type = load(name);
                if (Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass() && !type.isLocalClass()) {
                    names.add(type.getName().replace(Projection.class.getPackageName() + ".", ""));
                }
            }
        }
        return names;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PublicClassesTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is in events-api's classes but does not load", e);
        }
    }
}
