package com.sevenmind.eventstore.embedded;

import com.sevenmind.eventstore.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Password authentication for the embedded server. zonky's {@code initdb} trusts every local connection, so any
 * local user could connect as superuser and run programs as us ({@code COPY … TO PROGRAM}). Before each start the
 * server is made to ask every connection for the superuser's password (scram-sha-256); the password is random, set
 * the first time, and kept in the data directory with mode 0600 for this user and whoever they give it to.
 */
final class ServerPassword {

    static final String FILE = "pg-password";

    private static final String HBA = """
            # Written by eventstore at every start: every connection needs the password in ../pg-password.
            local   all             all                                     scram-sha-256
            host    all             all             127.0.0.1/32            scram-sha-256
            host    all             all             ::1/128                 scram-sha-256
            local   replication     all                                     scram-sha-256
            host    replication     all             127.0.0.1/32            scram-sha-256
            host    replication     all             ::1/128                 scram-sha-256
            """;
    private static final int PASSWORD_BYTES = 32;

    private ServerPassword() {
    }

    /** A new password: URL-safe, so it goes into a JDBC URL or a shell variable as it is. */
    static String generate() {
        byte[] bytes = new byte[PASSWORD_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Makes every connection to the server on {@code pgData} need a password; the server must be stopped. */
    static void require(Path pgData) throws IOException {
        Path hba = pgData.resolve("pg_hba.conf");
        if (!Files.exists(hba) || !Files.readString(hba, StandardCharsets.UTF_8).equals(HBA)) {
            Files.writeString(hba, HBA, StandardCharsets.UTF_8);
        }
    }

    /**
     * Gives the superuser {@code password}, in single-user mode: the server is stopped and takes no connection
     * meanwhile, and the password goes through a pipe, never onto a command line.
     */
    static void set(List<String> singleUser, String password) throws IOException {
        Process process = new ProcessBuilder(singleUser).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(("ALTER ROLE postgres PASSWORD '" + password + "'\n").getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new StoreException("cannot set the password of the embedded PostgreSQL: "
                        + output.lines().reduce((first, second) -> second).orElse("exit " + process.exitValue()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new StoreException("interrupted while setting the password of the embedded PostgreSQL");
        }
    }
}
