package com.sevenmind.eventstore.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.jar.Manifest;

/**
 * The version and commit the running jar was built from, as the build wrote them in its manifest; "development
 * build" when run from classes (tests, an IDE), where no manifest of ours is on the class path.
 */
public final class BuildVersion {

    private BuildVersion() {
    }

    /** e.g. "eventstore 0.1.0-SNAPSHOT (commit 63e5a10c2b)". */
    public static String describe() {
        Manifest manifest = manifest();
        String version = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
        if (version == null) {
            return "eventstore (development build)";
        }
        String commit = manifest.getMainAttributes().getValue("Build-Commit");
        return "eventstore " + version + (commit == null || commit.isBlank() || commit.startsWith("${")
                ? "" : " (commit " + commit + ")");
    }

    /** The manifest of the jar that holds this class; null when it is not in a jar. */
    private static Manifest manifest() {
        URL self = BuildVersion.class.getResource(BuildVersion.class.getSimpleName() + ".class");
        if (self == null || !"jar".equals(self.getProtocol())) {
            return null;
        }
        String jar = self.toString();
        try (InputStream in = new URL(jar.substring(0, jar.indexOf("!/") + 2) + "META-INF/MANIFEST.MF").openStream()) {
            return new Manifest(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the jar's manifest", e);
        }
    }
}
