package com.sevenmind.eventstore.store;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stream read found.
 *
 * @param events       every event of the stream read, of known types or not
 * @param unknownTypes events of types with no registered record in this process, by type name: read as
 *                     {@code GenericEvent}s
 * @param last         where the read ended: the position it started after when it read nothing; null for nothing
 */
public record StreamResult(long events, Map<String, Long> unknownTypes, StreamPosition last) {

    /**
     * Keeps a sorted copy of the counts.
     *
     * @param events       every event of the stream read
     * @param unknownTypes events of types with no registered record, by type name
     * @param last         where the read ended
     */
    public StreamResult {
        unknownTypes = Collections.unmodifiableMap(new TreeMap<>(unknownTypes));
    }
}
