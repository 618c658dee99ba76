package com.sevenmind.eventstore.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PackedTest {

    /** Whatever session ids and numbers are written, in any order, they read back as written, and nothing after. */
    @Property
    void what_is_written_reads_back_as_it_was(@ForAll("values") List<Object> values) {
        Packed.Out out = new Packed.Out(1);
        for (Object v : values) {
            if (v instanceof String text) {
                out.key(Packed.key(text));
            } else if (v instanceof Long signed) {
                out.signed(signed);
            } else {
                out.natural((Integer) v);
            }
        }
        Packed.In in = new Packed.In(Arrays.copyOf(out.bytes(), out.size()));
        List<Object> read = new ArrayList<>();
        for (Object v : values) {
            read.add(v instanceof String ? in.key().toString()
                    : v instanceof Long ? (Object) in.signed() : in.natural());
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

    /** A session id is keyed as a UUID exactly when it is one as UUID writes it, and its key gives it back. */
    @Property
    void a_key_is_a_uuid_exactly_when_the_id_is_one_as_uuid_writes_it(@ForAll("ids") String id) {
        Object key = Packed.key(id);
        assertEquals(id, key.toString());
        assertEquals(writtenByUuid(id), key instanceof UUID, id);
    }

    private static boolean writtenByUuid(String id) {
        try {
            return UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<String> ids() {
        Arbitrary<String> uuid = Arbitraries.create(UUID::randomUUID).map(UUID::toString);
        // One character of a UUID changed, to any of those a UUID's text is made of, or near them.
        Arbitrary<String> near = Combinators.combine(uuid, Arbitraries.integers().between(0, 35),
                Arbitraries.of('-', '0', '9', 'a', 'f', 'g', 'A', 'F', '/', ':', '`', ' '))
                .as((u, at, c) -> u.substring(0, at) + c + u.substring(at + 1));
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        return Arbitraries.oneOf(uuid, near, text);
    }

    @Test
    void a_session_id_that_is_a_uuid_takes_17_bytes_and_any_other_its_own() {
        Packed.Out out = new Packed.Out(1);
        out.key(Packed.key("0b0f5ab6-6a2b-4a6e-9d6e-1f0c4b7d9e21"));
        assertEquals(17, out.size());
        out.key(Packed.key("0B0F5AB6-6A2B-4A6E-9D6E-1F0C4B7D9E21"));
        assertEquals(17 + 1 + 36, out.size(), "upper case is not how UUID writes it: kept as text, so read as it was");
    }

    @Test
    void bytes_that_end_early_or_run_on_are_refused() {
        Packed.Out out = new Packed.Out(1);
        out.key(Packed.key("0b0f5ab6-6a2b-4a6e-9d6e-1f0c4b7d9e21"));
        byte[] bytes = Arrays.copyOf(out.bytes(), out.size());
        assertThrows(IllegalArgumentException.class, () -> new Packed.In(Arrays.copyOf(bytes, 10)).key());
        Packed.In longer = new Packed.In(Arrays.copyOf(bytes, bytes.length + 1));
        longer.key();
        assertThrows(IllegalArgumentException.class, longer::end);
    }
}
