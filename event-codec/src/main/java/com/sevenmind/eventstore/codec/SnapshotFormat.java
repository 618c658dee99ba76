package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import java.io.IOException;
import java.io.OutputStream;

/**
 * How the snapshot cache saves a projection's state and reads it back: JSON with one mapper (the project's,
 * {@link Json#newObjectMapper()}), read as the projection's {@link Projection#snapshotType()}. The store saves through
 * it, and {@code projection-testkit} checks through it that a state survives the round trip.
 */
public final class SnapshotFormat {

    private final ObjectMapper mapper;

    /**
     * The format of {@code mapper}.
     *
     * @param mapper the project's mapper
     */
    public SnapshotFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Writes a state as JSON.
     *
     * @param state the state
     * @param out   where to write it
     * @throws IOException when writing fails
     */
    public void write(Object state, OutputStream out) throws IOException {
        mapper.writeValue(out, state);
    }

    /**
     * Reads a state written by {@link #write} as {@code type}.
     *
     * @param json the written state
     * @param type the state's class
     * @param <S>  the state's type
     * @return the state
     * @throws IOException when the JSON does not read as {@code type}
     */
    public <S> S read(byte[] json, Class<S> type) throws IOException {
        return mapper.readValue(json, type);
    }
}
