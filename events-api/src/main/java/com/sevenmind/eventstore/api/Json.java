package com.sevenmind.eventstore.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;

/**
 * The one JSON configuration of the project: snake_case names, ISO-8601 instants, unknown fields ignored, nesting
 * limited to {@link #MAX_DEPTH} levels.
 */
public final class Json {

    /**
     * How deep JSON read by the project may nest: far above any event (ours nest 2 levels, RudderStack's and Pub/Sub's
     * a few more), and far below where Jackson's own limit of 1,000 turned into an error without a location.
     */
    public static final int MAX_DEPTH = 64;

    private Json() {
    }

    /**
     * A new mapper configured the project's way; make one per application and share it.
     *
     * @return the mapper
     */
    public static ObjectMapper newObjectMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .build();
        return new ObjectMapper(factory)
                .registerModule(new ParameterNamesModule())
                .registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
