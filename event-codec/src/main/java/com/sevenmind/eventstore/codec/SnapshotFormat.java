package com.sevenmind.eventstore.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.api.Projection;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * How the snapshot cache saves a projection's state and reads it back: as the project's mapper
 * ({@link Json#newObjectMapper()}) writes it, read as the projection's {@link Projection#snapshotType()}, in Smile,
 * Jackson's binary form of JSON. A saved state starts with its format's byte, {@link #SMILE}; a state saved before
 * there was one is JSON text, and still read. The store saves through it, and {@code projection-testkit} checks
 * through it that a state survives the round trip.
 *
 * <p>Why Smile: loading a long History's state in a new process was mostly parsing its JSON (4.6 MB for 100,000
 * events); Smile keeps numbers binary and strings length-prefixed, so it parses in about half the time, and any
 * projection's state gains without writing a format of its own. {@link #json(byte[])} gives the JSON to look at.
 */
public final class SnapshotFormat {

    /** The first byte of a state saved in Smile. JSON text never starts with it. */
    public static final byte SMILE = 1;

    private final ObjectMapper mapper;
    /** Through the mapper's readers and writers, so its caches of (de)serializers serve both forms. */
    private final SmileFactory smile = SmileFactory.builder()
            // A state's bytes (History's sessions) as they are, not spread over 7-bit bytes: read in one copy.
            .disable(SmileGenerator.Feature.ENCODE_BINARY_AS_7BIT).build();

    /**
     * The format of {@code mapper}.
     *
     * @param mapper the project's mapper
     */
    public SnapshotFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Writes a state: its format's byte, then the state.
     *
     * @param state the state
     * @param out   where to write it
     * @throws IOException when writing fails
     */
    public void write(Object state, OutputStream out) throws IOException {
        out.write(SMILE);
        mapper.writer().with(smile).writeValue(out, state);
    }

    /**
     * Reads a state written by {@link #write} (or, before the format byte, as JSON) as {@code type}.
     *
     * @param saved the written state
     * @param type  the state's class
     * @param <S>   the state's type
     * @return the state
     * @throws IOException when it does not read as {@code type}
     */
    public <S> S read(byte[] saved, Class<S> type) throws IOException {
        return isSmile(saved) ? mapper.readerFor(type).with(smile).readValue(saved, 1, saved.length - 1)
                : mapper.readValue(saved, type);
    }

    /**
     * A saved state as JSON text, to look at or export.
     *
     * @param saved the written state
     * @return its JSON
     * @throws IOException when it is neither Smile nor JSON
     */
    public String json(byte[] saved) throws IOException {
        return mapper.writeValueAsString(isSmile(saved)
                ? mapper.reader().with(smile).readTree(Arrays.copyOfRange(saved, 1, saved.length))
                : mapper.readTree(saved));
    }

    private static boolean isSmile(byte[] saved) {
        return saved.length > 0 && saved[0] == SMILE;
    }
}
