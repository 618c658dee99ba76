package com.sevenmind.eventstore.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.TreeNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sevenmind.eventstore.api.Projection;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/** Builds a plugin jar as a team would in its own repository: one class compiled against events-api alone. */
public final class PluginJar {

    private PluginJar() {
    }

    /**
     * Compiles {@code source} (the class {@code className}) against events-api and what it brings (Jackson), and
     * packs it with a {@code META-INF/services} entry for {@code service}, into {@code dir/<simple name>.jar}.
     */
    public static Path build(Path dir, String className, String source, Class<?> service) throws Exception {
        return build(dir, className.substring(className.lastIndexOf('.') + 1), Map.of(className, source),
                Map.of(service, className));
    }

    /**
     * Compiles {@code sources} (by class name) against events-api and what it brings, and packs every class with a
     * {@code META-INF/services} entry for each service (to its implementation's class name), into
     * {@code dir/<name>.jar}.
     */
    public static Path build(Path dir, String name, Map<String, String> sources, Map<Class<?>, String> services)
            throws Exception {
        List<String> arguments = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path src = dir.resolve("src/" + source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, source.getValue());
            arguments.add(src.toString());
        }
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String classpath = String.join(File.pathSeparator, location(Projection.class), location(ObjectNode.class),
                location(TreeNode.class), location(JsonProperty.class));
        arguments.addAll(0, List.of("-cp", classpath, "-d", classes.toString()));
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(String[]::new));
        assertEquals(0, compiled, sources.keySet() + " compile against events-api alone");

        Path jar = dir.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
            for (Map.Entry<Class<?>, String> service : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey().getName()));
                out.write((service.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
