package com.sevenmind.eventstore.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PackedTest {

    /** Whatever texts and numbers are written, in whatever order, they read back as written, and nothing after. */
    @Property
    void what_is_written_reads_back_as_it_was(@ForAll("values") List<Object> values) {
        Packed.Out out = new Packed.Out(1);
        for (Object v : values) {
            if (v instanceof String text) {
                out.text(text);
            } else if (v instanceof Long signed) {
                out.signed(signed);
            } else {
                out.natural((Integer) v);
            }
        }
        Packed.In in = new Packed.In(Arrays.copyOf(out.bytes(), out.size()));
        List<Object> read = new ArrayList<>();
        for (Object v : values) {
            read.add(v instanceof String ? in.text() : v instanceof Long ? (Object) in.signed() : in.natural());
        }
        in.end();
        assertEquals(values, read);
    }

    @Provide
    Arbitrary<List<Object>> values() {
        Arbitrary<Object> uuid = Arbitraries.create(UUID::randomUUID).map(UUID::toString);
        Arbitrary<Object> notQuite = Arbitraries.create(UUID::randomUUID).map(u -> u.toString().toUpperCase());
        Arbitrary<Object> text = Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s);
        Arbitrary<Object> signed = Arbitraries.longs().map(l -> (Object) l);
        Arbitrary<Object> natural = Arbitraries.integers().greaterOrEqual(0).map(i -> (Object) i);
        return Arbitraries.oneOf(uuid, notQuite, text, signed, natural).list().ofMaxSize(30);
    }

    @Test
    void a_session_id_that_is_a_uuid_takes_17_bytes_and_any_other_its_own() {
        Packed.Out out = new Packed.Out(1);
        out.text("0b0f5ab6-6a2b-4a6e-9d6e-1f0c4b7d9e21");
        assertEquals(17, out.size());
        out.text("0B0F5AB6-6A2B-4A6E-9D6E-1F0C4B7D9E21");
        assertEquals(17 + 1 + 36, out.size(), "upper case is not how UUID writes it: kept as text, so read as it was");
    }

    @Test
    void bytes_that_end_early_or_run_on_are_refused() {
        Packed.Out out = new Packed.Out(1);
        out.text("0b0f5ab6-6a2b-4a6e-9d6e-1f0c4b7d9e21");
        byte[] bytes = Arrays.copyOf(out.bytes(), out.size());
        assertThrows(IllegalArgumentException.class, () -> new Packed.In(Arrays.copyOf(bytes, 10)).text());
        Packed.In longer = new Packed.In(Arrays.copyOf(bytes, bytes.length + 1));
        longer.text();
        assertThrows(IllegalArgumentException.class, longer::end);
    }
}
