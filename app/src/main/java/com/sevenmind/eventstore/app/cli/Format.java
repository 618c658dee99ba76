package com.sevenmind.eventstore.app.cli;

/** The output formats of commands that print results: for people, or one JSON document for programs. */
public enum Format {
    text, json
}
