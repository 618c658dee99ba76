package com.sevenmind.eventstore.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * The store's schema migrations on one database: which are applied, which are pending, and applying them. For a
 * database opened with {@link Database.OnOpen#AS_IS} this is the only thing that changes its schema.
 */
public final class SchemaMigrations {

    /**
     * One migration of the store.
     *
     * @param installedOn when it was applied, null while pending
     * @param state       Flyway's word for it: Success, Pending, Failed, Future, …
     */
    public record Migration(String version, String description, Instant installedOn, String state) {
    }

    /** @param schemaVersion the version of the last migration applied, null when none is */
    public record Status(String schema, String schemaVersion, List<Migration> applied, List<Migration> pending) {
    }

    /**
     * @param before  the schema version before, null when none was applied
     * @param after   the schema version after
     * @param applied the migrations this run applied, in order; empty when the schema was up to date
     */
    public record Migrated(String schema, String before, String after, List<Migration> applied) {
    }

    /** Migrations are pending on a database that must not migrate: they name what is missing. */
    public static final class PendingException extends StoreException {

        private final String schema;
        private final List<String> pending;

        PendingException(String description, String schema, List<String> pending) {
            super("the schema " + schema + " of " + description + " is not up to date: migration"
                    + (pending.size() == 1 ? " " : "s ") + String.join(", ", pending) + " pending");
            this.schema = schema;
            this.pending = List.copyOf(pending);
        }

        /**
         * The schema migrated.
         *
         * @return its name
         */
        public String schema() {
            return schema;
        }

        /**
         * The versions pending, in order.
         *
         * @return the migrations not applied yet
         */
        public List<String> pending() {
            return pending;
        }
    }

    private final Supplier<Flyway> flyway;
    private final String schema;
    private final String description;
    private final Runnable before;
    private final Runnable after;

    /**
     * @param before run before each migrate (a store of the old layout moves into its schema)
     * @param after  run after each migrate (the pool drops connections made before its settings)
     */
    SchemaMigrations(Supplier<Flyway> flyway, String schema, String description, Runnable before, Runnable after) {
        this.flyway = flyway;
        this.schema = schema;
        this.description = description;
        this.before = before;
        this.after = after;
    }

    /**
     * What is applied and what is pending; changes nothing, also on a database the store has never seen.
     *
     * @return what is applied and what is pending
     */
    public Status status() {
        MigrationInfoService info = info();
        List<Migration> applied = migrations(info.applied());
        return new Status(schema, applied.isEmpty() ? null : applied.get(applied.size() - 1).version(), applied,
                migrations(info.pending()));
    }

    /**
     * Applies the pending migrations and says which; fails with one line that names the database.
     *
     * @return what was applied
     */
    public Migrated migrate() {
        Status was = status();
        apply();
        Status is = status();
        List<Migration> applied = is.applied().stream()
                .filter(m -> was.applied().stream().noneMatch(w -> w.version().equals(m.version()))).toList();
        return new Migrated(schema, was.schemaVersion(), is.schemaVersion(), applied);
    }

    /** Applies the pending migrations, without reading the history around them: what every start does. */
    void apply() {
        try {
            before.run();
            flyway.get().migrate();
            after.run();
        } catch (FlywayException | StoreException e) {
            throw new StoreException("cannot migrate the schema " + schema + " of " + description + ": "
                    + Database.rootMessage(e), e);
        }
    }

    /** Fails with a {@link PendingException} when a migration is pending. */
    void requireCurrent() {
        List<String> pending = status().pending().stream().map(Migration::version).toList();
        if (!pending.isEmpty()) {
            throw new PendingException(description, schema, pending);
        }
    }

    private MigrationInfoService info() {
        try {
            return flyway.get().info();
        } catch (FlywayException e) {
            throw new StoreException("cannot read the schema history of " + schema + " at " + description + ": "
                    + Database.rootMessage(e), e);
        }
    }

    /** The store's own migrations: not the row Flyway writes for the schema it created. */
    private static List<Migration> migrations(MigrationInfo[] infos) {
        return Arrays.stream(infos).filter(i -> i.getVersion() != null && !i.getType().isSynthetic())
                .map(i -> new Migration(i.getVersion().getVersion(), i.getDescription(),
                        i.getInstalledOn() == null ? null : i.getInstalledOn().toInstant(),
                        i.getState().getDisplayName()))
                .toList();
    }
}
