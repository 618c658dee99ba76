package com.sevenmind.eventstore.api;

import java.io.PrintWriter;

/**
 * Optional for a projection's view: how to show it to people in {@code --format text}. Views that do not implement
 * it are printed as their JSON structure, indented.
 */
public interface TextView {

    /**
     * Prints the view; every line starts with {@code indent}.
     *
     * @param out    where to print
     * @param indent what each line starts with
     */
    void printText(PrintWriter out, String indent);
}
