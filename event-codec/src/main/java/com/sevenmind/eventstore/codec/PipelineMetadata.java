package com.sevenmind.eventstore.codec;

import java.time.Instant;

/**
 * What the pipeline said about an event beside the event itself, stored with it but never part of its content: a
 * re-delivery with other metadata is still a duplicate, and the first stored copy's metadata stays.
 *
 * @param receivedAt when RudderStack received the event ({@code receivedAt}); null when unknown
 * @param json       a JSON object, {@code {"rudderstack":{…},"pubsub":{…}}}, each part present only when it has
 *                   something; null when there is nothing
 */
public record PipelineMetadata(Instant receivedAt, String json) {

    /** Nothing known: native events, generated ones. */
    public static final PipelineMetadata NONE = new PipelineMetadata(null, null);
}
