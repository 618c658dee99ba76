package com.sevenmind.eventstore.embedded;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sevenmind.eventstore.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory on a full disk (a small tmpfs, so root only): the start fails with one line that names the
 * cause, not with a timeout.
 */
class EmbeddedDiskFullTest {

    @TempDir
    Path dir;

    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void a_start_on_a_full_disk_says_there_is_no_space() throws Exception {
        Path point = Files.createDirectory(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", point.toString()) == 0,
                "cannot mount a tmpfs here (needs root)");
        mount = point;
        Path data = point.resolve("data");
        EmbeddedDatabase.start(data).close();
        fill(point.resolve("filler"));

        StoreException e = assertThrows(StoreException.class, () -> EmbeddedDatabase.start(data).close());

        System.out.println(e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot start the embedded PostgreSQL in " + data + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }

    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.getMessage());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(List.of(command)).inheritIO().start().waitFor();
    }
}
