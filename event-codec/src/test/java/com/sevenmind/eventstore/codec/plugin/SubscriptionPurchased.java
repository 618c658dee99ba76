package com.sevenmind.eventstore.codec.plugin;

import com.sevenmind.eventstore.api.Event;
import com.sevenmind.eventstore.api.EventType;
import com.sevenmind.eventstore.api.InvalidEventException;
import com.sevenmind.eventstore.api.Upcaster;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A plug-in type as a team would write one, against events-api only: version 2 renamed {@code price} to cents. */
public record SubscriptionPurchased(UUID userId, String uniqueId, Instant timestamp, String plan, long priceCents)
        implements Event {

    public SubscriptionPurchased {
        timestamp = Event.checked(userId, uniqueId, timestamp);
        if (plan == null || plan.isBlank()) {
            throw new InvalidEventException("plan", plan, "is missing");
        }
        if (priceCents < 0) {
            throw new InvalidEventException("price_cents", Long.toString(priceCents), "is negative");
        }
    }

    /** Its registration. */
    public static class Type implements EventType<SubscriptionPurchased> {

        @Override
        public Class<SubscriptionPurchased> recordClass() {
            return SubscriptionPurchased.class;
        }

        @Override
        public Set<String> trackNames() {
            return Set.of("Subscription Purchased");
        }

        @Override
        public int schemaVersion() {
            return 2;
        }

        @Override
        public List<Upcaster> upcasters() {
            return List.of(new Upcaster() {
                @Override
                public String eventType() {
                    return "SubscriptionPurchased";
                }

                @Override
                public int fromVersion() {
                    return 1;
                }

                @Override
                public ObjectNode upcast(ObjectNode payload) {
                    if (payload.has("price")) {
                        payload.put("price_cents", Math.round(payload.remove("price").doubleValue() * 100));
                    }
                    return payload;
                }
            });
        }
    }
}
