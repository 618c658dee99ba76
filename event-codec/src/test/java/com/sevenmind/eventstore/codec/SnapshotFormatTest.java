package com.sevenmind.eventstore.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sevenmind.eventstore.api.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** States are saved in Smile behind a format byte; those saved as JSON before still read; either gives its JSON. */
class SnapshotFormatTest {

    record Tally(long completedCount, List<String> sessions) {
    }

    private final SnapshotFormat format = new SnapshotFormat(Json.newObjectMapper());
    private final Tally tally = new Tally(3, List.of("s1", "s2"));

    @Test
    void a_state_is_saved_in_smile_behind_its_format_byte_and_read_back() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        format.write(tally, out);
        byte[] saved = out.toByteArray();

        assertEquals(SnapshotFormat.SMILE, saved[0]);
        assertEquals(":)\n", new String(saved, 1, 3, StandardCharsets.US_ASCII), "Smile's own header follows");
        assertEquals(tally, format.read(saved, Tally.class));
        assertEquals("{\"completed_count\":3,\"sessions\":[\"s1\",\"s2\"]}", format.json(saved));
    }

    @Test
    void a_state_saved_as_json_before_the_format_byte_is_still_read() throws Exception {
        byte[] json = "{\"completed_count\":3,\"sessions\":[\"s1\",\"s2\"]}".getBytes(StandardCharsets.UTF_8);

        assertEquals(tally, format.read(json, Tally.class));
        assertEquals(new String(json, StandardCharsets.UTF_8), format.json(json));
    }
}
