package com.sevenmind.eventstore.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a content piece URI names, parsed (schema version 2): a single's recording
 * ({@code sevenmind://content/single/{single_id}/recording/{recording_id}}) or a course item's recording
 * ({@code sevenmind://content/course/{course_id}/item/{item_id}/recording/{recording_id}}). Any other URI is kept
 * with kind {@code unknown} and no ids: it was valid in version 1 and stays readable.
 *
 * @param kind        {@code single}, {@code course} or {@code unknown}
 * @param courseId    the course, of a course item; else null
 * @param itemId      the item, of a course item; else null
 * @param singleId    the single, of a single; else null
 * @param recordingId the recording, of a single or a course item; else null
 * @param objectUri   the raw URI, always kept
 */
public record Content(String kind, String courseId, String itemId, String singleId, String recordingId,
                      String objectUri) {

    private static final Pattern SINGLE = Pattern.compile("sevenmind://content/single/([^/]+)/recording/([^/]+)");
    private static final Pattern COURSE =
            Pattern.compile("sevenmind://content/course/([^/]+)/item/([^/]+)/recording/([^/]+)");

    /**
     * Checks the content: a kind, a URI, and ids that can be stored.
     *
     * @param kind        {@code single}, {@code course} or {@code unknown}
     * @param courseId    the course, of a course item
     * @param itemId      the item, of a course item
     * @param singleId    the single, of a single
     * @param recordingId the recording, of a single or a course item
     * @param objectUri   the raw URI
     * @throws InvalidEventException naming the field at fault
     */
    public Content {
        if (kind == null || kind.isBlank()) {
            throw new InvalidEventException("content.kind", kind, "is missing");
        }
        EventFields.requireText("object_uri", objectUri);
        for (String id : new String[] {courseId, itemId, singleId, recordingId}) {
            if (id != null) {
                EventFields.requireStorable("content", id);
            }
        }
    }

    /**
     * The content a URI names: a single's or a course item's recording, or {@code unknown} with no ids.
     *
     * @param objectUri the URI
     * @return its content
     * @throws InvalidEventException when the URI is missing or blank
     */
    public static Content parse(String objectUri) {
        EventFields.requireText("object_uri", objectUri);
        Matcher single = SINGLE.matcher(objectUri);
        if (single.matches()) {
            return new Content("single", null, null, single.group(1), single.group(2), objectUri);
        }
        Matcher course = COURSE.matcher(objectUri);
        if (course.matches()) {
            return new Content("course", course.group(1), course.group(2), null, course.group(3), objectUri);
        }
        return new Content("unknown", null, null, null, null, objectUri);
    }
}
