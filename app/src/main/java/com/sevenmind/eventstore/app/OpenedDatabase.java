package com.sevenmind.eventstore.app;

import com.sevenmind.eventstore.store.Database;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The database a command line opened, if it opened one: closed once, when the command ends ({@link Main}) or when
 * {@code serve} is stopped, whichever comes first.
 */
@Singleton
public final class OpenedDatabase implements AutoCloseable {

    private final AtomicReference<Database> opened = new AtomicReference<>();

    void set(Database db) {
        opened.set(db);
    }

    @Override
    public void close() {
        Database db = opened.getAndSet(null);
        if (db != null) {
            db.close();
        }
    }
}
