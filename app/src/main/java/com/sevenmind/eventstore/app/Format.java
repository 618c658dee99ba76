package com.sevenmind.eventstore.app;

/** The output formats of commands that print results: for people, or one JSON document for programs. */
enum Format {
    text, json
}
