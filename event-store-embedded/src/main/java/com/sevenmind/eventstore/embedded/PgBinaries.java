package com.sevenmind.eventstore.embedded;

import com.sevenmind.eventstore.store.StoreException;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The PostgreSQL binaries zonky unpacks, for the commands we run ourselves: setting the password before the first
 * start, and starting a server again after it died. zonky names the directory it unpacks into after the archive's
 * MD5, so this hands it the archive and keeps that name.
 */
final class PgBinaries implements PgBinaryResolver {

    /** One per JVM: zonky unpacks once per resolver. */
    static final PgBinaries INSTANCE = new PgBinaries();

    private volatile String digest;

    private PgBinaries() {
    }

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
        if (archive == null) {
            return null;
        }
        byte[] bytes;
        try (archive) {
            bytes = archive.readAllBytes();
        }
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("MD5 is not available", e);
        }
        return new ByteArrayInputStream(bytes);
    }

    /**
     * The command line that runs {@code binary} from {@code workingDirectory}. As root it runs in a user namespace
     * of its own, as zonky does, because PostgreSQL refuses to run as root.
     */
    List<String> command(Path workingDirectory, String binary, String... args) {
        Path bin = workingDirectory.resolve("PG-" + digest).resolve("bin").resolve(binary);
        if (digest == null || !Files.isExecutable(bin)) {
            throw new StoreException("the PostgreSQL binaries are not where they were unpacked: " + bin);
        }
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(bin.toString());
        command.addAll(List.of(args));
        return command;
    }
}
