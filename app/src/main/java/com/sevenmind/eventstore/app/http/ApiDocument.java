package com.sevenmind.eventstore.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the API's OpenAPI 3.1 document, served byte for byte as the jar holds it, so that what
 * clients read is the file the tests check every answer against.
 */
final class ApiDocument {

    static final String PATH = "/openapi.json";
    private static final String RESOURCE = "/openapi.json";

    private static Inspector.Asset document;

    private ApiDocument() {
    }

    /** The document, read from the class path once. */
    static synchronized Inspector.Asset asset() {
        if (document == null) {
            try (InputStream in = ApiDocument.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the class path");
                }
                document = new Inspector.Asset("application/json", in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE + " from the class path", e);
            }
        }
        return document;
    }
}
