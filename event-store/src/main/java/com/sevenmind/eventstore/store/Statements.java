package com.sevenmind.eventstore.store;

import org.jdbi.v3.core.locator.ClasspathSqlLocator;

/**
 * The store's hot SQL statements, each in a file of its own under {@code com/sevenmind/eventstore/store/sql/},
 * named after what it does, so the storage layer reads as a list of operations and a reviewer diffs SQL as SQL.
 * Callers read them once, into constants; the files' comments say why a statement is written as it is, and are left
 * out of the text sent.
 */
final class Statements {

    private static final ClasspathSqlLocator LOCATOR = ClasspathSqlLocator.removingComments();

    private Statements() {
    }

    /** The statement in {@code sql/<name>.sql}, without its comments; fails when there is no such file. */
    static String sql(String name) {
        return LOCATOR.getResource(Statements.class.getClassLoader(),
                "com/sevenmind/eventstore/store/sql/" + name + ".sql").strip();
    }
}
