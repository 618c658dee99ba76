package com.sevenmind.eventstore.embedded;

import com.sevenmind.eventstore.store.StoreException;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories that only this OS user may change: what the embedded server runs (its binaries) and what
 * lets a client in (its password). Anything another local user could write there, they could make us run or read.
 */
final class PrivateFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /**
     * This user's cache, where the server's binaries are unpacked: {@code $XDG_CACHE_HOME/eventstore}, else
     * {@code ~/.cache/eventstore}. Not the shared temp directory, where another user could create the directory
     * first and plant binaries.
     */
    static Path cacheDirectory() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() && Path.of(cache).isAbsolute()
                ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("eventstore");
    }

    /** Creates {@code dir} (and missing parents) as 0700, then refuses it unless it is ours alone. */
    static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        }
        checkPrivate(dir);
        return dir;
    }

    /** Refuses a directory another user owns or may write to. */
    static void checkPrivate(Path dir) throws IOException {
        int owner = (Integer) Files.getAttribute(dir, "unix:uid");
        long me = new UnixSystem().getUid();
        if (owner != me) {
            throw new StoreException("refusing " + dir + ": it belongs to uid " + owner + ", not to this user (uid "
                    + me + "); remove it or point XDG_CACHE_HOME elsewhere");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new StoreException("refusing " + dir + ": other users may write to it (mode "
                    + PosixFilePermissions.toString(permissions) + "); run chmod 700 on it");
        }
    }

    /** Makes an existing directory of ours 0700. */
    static void restrict(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
    }

    /** Writes {@code text} to {@code file} with mode 0600, all at once: a reader sees the old file or the new. */
    static void writeSecret(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a secret, first making sure nobody else can. */
    static String readSecret(Path file) throws IOException {
        Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
