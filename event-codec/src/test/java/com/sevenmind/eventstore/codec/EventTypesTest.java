package com.sevenmind.eventstore.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.GenericEvent;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Json;
import com.sevenmind.eventstore.codec.ingest.RudderStackCodec;
import com.sevenmind.eventstore.codec.plugin.SubscriptionPurchased;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Any track call is kept; a registered type is validated and decoded as its record, before and after it was. */
class EventTypesTest {

    private static final UUID USER = UUID.fromString("3f2b8c4e-9d1a-4e7b-a5c6-0f1e2d3c4b5a");
    private static final Instant AT = Instant.parse("2024-03-01T07:15:00.123456Z");

    private final ObjectMapper mapper = Json.newObjectMapper();
    private final EventCodec builtIn = new EventCodec(mapper);
    private final EventCodec withPlugin = new EventCodec(mapper, List.of(), List.of(new SubscriptionPurchased.Type()));

    private static String track(String name, String properties) {
        return """
                {"type":"track","event":"%s","userId":"%s","messageId":"m-1","timestamp":"2024-03-01T07:15:00.123456Z",
                 "context":{"app":{"name":"7Mind"}},"properties":%s}""".formatted(name, USER, properties);
    }

    private static Event accepted(EventCodec codec, String json) {
        return ((RudderStackCodec.Accepted) new RudderStackCodec(Json.newObjectMapper(), codec).parse(json, null))
                .event();
    }

    @Test
    void a_registered_type_is_read_as_its_record_by_its_track_or_stored_name() {
        SubscriptionPurchased expected = new SubscriptionPurchased(USER, "m-1", AT, "yearly", 5999);

        assertEquals(expected, accepted(withPlugin, track("Subscription Purchased",
                "{\"plan\":\"yearly\",\"price_cents\":5999,\"coupon\":null}")));
        assertEquals(expected, accepted(withPlugin, track("SubscriptionPurchased",
                "{\"plan\":\"yearly\",\"price_cents\":5999}")));
        assertEquals("SubscriptionPurchased", expected.eventType());
    }

    @Test
    void a_registered_type_is_validated_naming_the_field_by_its_path() {
        assertEquals("field properties.price_cents: '-5' is negative", assertThrows(InvalidEventException.class,
                () -> accepted(withPlugin, track("Subscription Purchased",
                        "{\"plan\":\"yearly\",\"price_cents\":-5}"))).getMessage());
        InvalidEventException wrongType = assertThrows(InvalidEventException.class,
                () -> accepted(withPlugin, track("Subscription Purchased", "{\"plan\":\"yearly\",\"price_cents\":"
                        + "\"lots\"}")));
        assertTrue(wrongType.getMessage().startsWith("field properties.price_cents: '\"lots\"' is not what "
                + "SubscriptionPurchased takes"), wrongType.getMessage());
    }

    @Test
    void an_unregistered_track_call_is_a_generic_event_under_the_name_as_sent() {
        Event event = accepted(builtIn, track("Subscription Purchased", "{\"plan\":\"yearly\",\"price_cents\":5999}"));

        GenericEvent generic = assertInstanceOf(GenericEvent.class, event);
        assertEquals("Subscription Purchased", generic.eventType());
        assertEquals(AT, generic.timestamp());
        assertEquals("{\"plan\":\"yearly\",\"price_cents\":5999}", generic.payload().toString());
    }

    @Test
    void a_type_name_past_128_characters_or_with_a_control_character_is_refused_naming_the_limit() {
        String long129 = "x".repeat(129);
        assertEquals("field event: '" + "x".repeat(77) + "...' is 129 characters long, over the limit of 128",
                assertThrows(InvalidEventException.class, () -> accepted(builtIn, track(long129, "{}"))).getMessage());
        accepted(builtIn, track("x".repeat(128), "{}"));
        assertTrue(assertThrows(InvalidEventException.class, () -> accepted(builtIn, track("a\\tb", "{}")))
                .getMessage().contains("contains a control character"));
        assertEquals("field event_type: '" + "y".repeat(77) + "...' is 129 characters long, over the limit of 128",
                assertThrows(InvalidEventException.class, () -> builtIn.parseLine("{\"event_type\":\"" + "y".repeat(129)
                        + "\",\"user_id\":\"" + USER + "\",\"unique_id\":\"u\",\"timestamp\":\"" + AT + "\"}"))
                        .getMessage());
    }

    @Test
    void a_payload_past_the_store_limit_is_refused_naming_the_limit() {
        String big = "{\"blob\":\"" + "a".repeat(EventCodec.MAX_PAYLOAD_BYTES) + "\"}";
        assertEquals("field payload is " + (EventCodec.MAX_PAYLOAD_BYTES + 11) + " bytes of JSON, over the limit of "
                        + EventCodec.MAX_PAYLOAD_BYTES + " bytes",
                assertThrows(InvalidEventException.class, () -> accepted(builtIn, track("Big", big))).getMessage());
    }

    @Test
    void lines_and_payloads_of_any_type_round_trip() {
        for (EventCodec codec : List.of(builtIn, withPlugin)) {
            Event event = accepted(codec, track("Subscription Purchased", "{\"plan\":\"yearly\",\"price_cents\":5999,"
                    + "\"user_id\":\"not-the-user\"}"));
            assertEquals(event, codec.parseLine(codec.toLine(event, false)));
            assertEquals(event, codec.fromStored(event.eventType(), codec.storedVersion(event,
                    EventCodec.CURRENT_SCHEMA_VERSION), USER, "m-1", AT, codec.payload(event)));
        }
    }

    @Test
    void events_stored_before_the_type_was_registered_read_as_its_record_upcast() {
        // Stored under its track name, version 1, by a store that did not know the type; version 1 had a price.
        Event read = withPlugin.fromStored("Subscription Purchased", 1, USER, "m-1", AT,
                "{\"plan\":\"monthly\",\"price\":6.99}");

        assertEquals(new SubscriptionPurchased(USER, "m-1", AT, "monthly", 699), read);
        assertEquals("SubscriptionPurchased", withPlugin.typeName("Subscription Purchased"));
        assertEquals(new GenericEvent("Subscription Purchased", USER, "m-1", AT, 1,
                        (com.fasterxml.jackson.databind.node.ObjectNode) mapper.createObjectNode().put("plan", "monthly")
                                .put("price", 6.99)),
                builtIn.fromStored("Subscription Purchased", 1, USER, "m-1", AT, "{\"plan\":\"monthly\",\"price\":6.99}"));
    }

    @Test
    void two_types_claiming_one_name_are_refused_at_start() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new EventCodec(mapper, List.of(),
                List.of(new SubscriptionPurchased.Type(), new SubscriptionPurchased.Type())));
        assertTrue(e.getMessage().contains("two event types claim the name"), e.getMessage());
    }

    @Test
    void a_type_whose_record_says_another_name_is_refused_rather_than_stored_under_it() {
        SubscriptionPurchased.Type renamed = new SubscriptionPurchased.Type() {
            @Override
            public String name() {
                return "Purchase";
            }
        };
        EventCodec codec = new EventCodec(mapper, List.of(), List.of(renamed));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> codec.payload(new SubscriptionPurchased(USER, "m-1", AT, "yearly", 5999)));
        assertTrue(e.getMessage().contains("names its type 'Purchase' but its record says 'SubscriptionPurchased'"),
                e.getMessage());
    }
}
