package com.sevenmind.eventstore.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the eventstore command in this JVM against one database, as a user would type it. */
public final class Cli {

    private final String dbUrl;

    public Cli(String dbUrl) {
        this.dbUrl = dbUrl;
    }

    public Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("--db-url", dbUrl));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
