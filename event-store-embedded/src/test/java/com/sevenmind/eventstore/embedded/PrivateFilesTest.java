package com.sevenmind.eventstore.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sevenmind.eventstore.store.StoreException;
import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

    @Test
    void the_cache_directory_of_the_binaries_is_created_0700_and_ours() throws Exception {
        Path binaries = EmbeddedServer.binariesDirectory();
        Path cache = binaries.getParent();
        assertEquals(PrivateFiles.cacheDirectory(), cache);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        assertEquals(new UnixSystem().getUid(), ((Integer) Files.getAttribute(cache, "unix:uid")).longValue());
        assertEquals(binaries.toString(), System.getProperty("ot.epg.working-dir"), "zonky's throwaway servers too");
    }

    @Test
    void a_new_directory_is_made_0700(@TempDir Path dir) throws Exception {
        Path made = PrivateFiles.directory(dir.resolve("a/b"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
    }

    @Test
    void a_directory_others_may_write_to_is_refused_with_its_mode(@TempDir Path dir) throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        StoreException e = assertThrows(StoreException.class, () -> PrivateFiles.directory(shared));
        assertEquals("refusing " + shared + ": other users may write to it (mode rwxrwxrwx); run chmod 700 on it",
                e.getMessage());
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        assertThrows(StoreException.class, () -> PrivateFiles.directory(shared));
    }

    @Test
    void a_directory_of_another_user_is_refused(@TempDir Path dir) throws Exception {
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
        long me = new UnixSystem().getUid();
        org.junit.jupiter.api.Assumptions.assumeTrue(me == 0, "only root can give a directory away");
        Files.setAttribute(theirs, "unix:uid", 65534);
        StoreException e = assertThrows(StoreException.class, () -> PrivateFiles.directory(theirs));
        assertEquals("refusing " + theirs + ": it belongs to uid 65534, not to this user (uid 0); remove it or point "
                + "XDG_CACHE_HOME elsewhere", e.getMessage());
    }

    @Test
    void a_secret_is_written_0600_and_read_back(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        PrivateFiles.writeSecret(file, "s3cret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("s3cret", PrivateFiles.readSecret(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
