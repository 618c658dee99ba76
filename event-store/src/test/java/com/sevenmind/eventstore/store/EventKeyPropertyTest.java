package com.sevenmind.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** An append sorts its batch by {@link EventKey}: in the order the "user/unique_id" strings sorted it before. */
class EventKeyPropertyTest {

    @Property
    void keys_sort_as_their_user_slash_unique_id_strings(@ForAll long msb1, @ForAll long lsb1, @ForAll String id1,
                                                          @ForAll long msb2, @ForAll long lsb2, @ForAll String id2,
                                                          @ForAll boolean sameUser) {
        UUID user1 = new UUID(msb1, lsb1);
        UUID user2 = sameUser ? user1 : new UUID(msb2, lsb2);
        int byKey = new EventKey(user1, id1).compareTo(new EventKey(user2, id2));
        int byString = (user1 + "/" + id1).compareTo(user2 + "/" + id2);
        assertEquals(Integer.signum(byString), Integer.signum(byKey));
    }
}
