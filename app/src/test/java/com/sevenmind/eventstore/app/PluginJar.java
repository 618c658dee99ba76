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
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
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
        Path src = dir.resolve("src/" + className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String classpath = String.join(File.pathSeparator, location(Projection.class), location(ObjectNode.class),
                location(TreeNode.class), location(JsonProperty.class));
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "-cp", classpath, "-d", classes.toString(), src.toString());
        assertEquals(0, compiled, className + " compiles against events-api alone");

        String classFile = className.replace('.', '/') + ".class";
        Path jar = dir.resolve(className.substring(className.lastIndexOf('.') + 1) + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(classFile));
            out.write(Files.readAllBytes(classes.resolve(classFile)));
            out.closeEntry();
            out.putNextEntry(new JarEntry("META-INF/services/" + service.getName()));
            out.write((className + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
