package com.sevenmind.eventstore.app.http;

import com.sevenmind.eventstore.app.ingest.Ingestion;
import com.sevenmind.eventstore.app.ingest.Outcome;
import com.sevenmind.eventstore.app.ingest.Outcome.Limit;
import com.sevenmind.eventstore.app.ingest.Outcome.Problem;
import com.sevenmind.eventstore.app.ingest.RudderStackIngest;
import com.sevenmind.eventstore.app.ingest.Way;
import com.sevenmind.eventstore.store.AppendResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ways in over HTTP: what {@link Ingestion} and {@link RudderStackIngest} decided, as a status and a body. An input
 * that can never be stored is answered 400, or 409 when it is in conflict with what is stored; one the quarantine did
 * not keep, 429 past the rate and 507 past the cap, whatever else: nothing holds it.
 */
final class IngestAnswers {

    private final Ingestion ingestion;
    private final RudderStackIngest rudderStack;
    private final boolean nackRejected;

    /**
     * @param nackRejected refuse a request whose input was quarantined (400, 409), for a dead-letter topic; else it is
     *                     acknowledged, since the quarantine holds it for {@code rejected --retry}
     */
    IngestAnswers(Ingestion ingestion, RudderStackIngest rudderStack, boolean nackRejected) {
        this.ingestion = ingestion;
        this.rudderStack = rudderStack;
        this.nackRejected = nackRejected;
    }

    /**
     * POST /pubsub/push: {"result":"stored"|"duplicate"}, {"result":"skipped","reason":…} for other calls and for
     * events of forgotten users, or {"result":"quarantined","reason":…} (refused instead with --nack-rejected).
     */
    Map<String, String> push(PushBody.Input input) {
        Outcome outcome = ingestion.push(input.format(), input.text(), input.json());
        if (outcome instanceof Outcome.Stored) {
            return Map.of("result", "stored");
        }
        if (outcome instanceof Outcome.Duplicate) {
            return Map.of("result", "duplicate");
        }
        if (outcome instanceof Outcome.Skipped skipped) {
            return result("skipped", skipped.reason());
        }
        if (outcome instanceof Outcome.Quarantined quarantined && !nackRejected) {
            return result("quarantined", quarantined.reason());
        }
        throw refusal(outcome, 0);
    }

    /** POST /events: what was stored, or the refusal of the whole request. */
    AppendResult events(String body) {
        Outcome outcome = ingestion.events(body);
        if (outcome instanceof Outcome.Appended appended) {
            return appended.result();
        }
        throw refusal(outcome, 0);
    }

    /** POST /v1/track. */
    Map<String, Long> track(String body) {
        return counts(rudderStack.track(body));
    }

    /** POST /v1/batch. */
    Map<String, Long> batch(String body) {
        return counts(rudderStack.batch(body));
    }

    /**
     * Quarantines a whole body that came {@code way} and is refused as it is (too long, not UTF-8), with the reason
     * {@code kept}, and returns the refusal to throw: {@code status}, saying {@code reason}, when it was kept.
     */
    HttpError refuse(int status, Way way, String body, String kept, String reason) {
        return refusal(ingestion.refuse(way, body, kept, reason), status);
    }

    /**
     * RudderStack's calls: every call of a request is counted in the answer, those the quarantine did not keep past
     * the rate too; past its cap the request is refused, with nothing stored.
     */
    private Map<String, Long> counts(Outcome outcome) {
        if (outcome instanceof Outcome.Appended appended) {
            AppendResult result = appended.result();
            long bad = appended.quarantined() + appended.notKept();
            if (nackRejected && (bad > 0 || result.conflicts() > 0)) {
                throw new HttpError(bad > 0 ? 400 : 409, (bad > 0 ? appended.problem()
                        : result.conflicts() + " event(s) in conflict with what is stored")
                        + String.format(" (stored %d, quarantined %d, %sconflicts %d)", result.stored(),
                        appended.quarantined(), appended.notKept() > 0
                                ? String.format("not kept %d, ", appended.notKept()) : "", result.conflicts()));
            }
            return counts(result, appended.skipped(), appended.quarantined(), appended.notKept());
        }
        // A body without a call to read: one input, kept or not.
        boolean kept = outcome instanceof Outcome.Quarantined;
        if (!kept && ((Outcome.NotKept) outcome).drop().limit() == Limit.CAP) {
            throw refusal(outcome, 0);
        }
        if (nackRejected) {
            throw new HttpError(400, message(outcome));
        }
        return counts(AppendResult.NONE, 0, kept ? 1 : 0, kept ? 0 : 1);
    }

    /** The answer's counts: every call of a request is in one of them. */
    private static Map<String, Long> counts(AppendResult result, long skipped, long quarantined, long notKept) {
        Map<String, Long> answer = new LinkedHashMap<>();
        answer.put("stored", result.stored());
        answer.put("duplicates", result.duplicates());
        answer.put("conflicts", result.conflicts());
        answer.put("skipped", skipped);
        answer.put("quarantined", quarantined);
        if (notKept > 0) {
            answer.put("not_kept", notKept);
        }
        if (result.forgotten() > 0) {
            answer.put("forgotten", result.forgotten());
        }
        return answer;
    }

    /**
     * The refusal of an input quarantined or not kept: {@code status} when it was kept (or else by its problem), and
     * when it was not, the status of the bound it was past.
     */
    private static HttpError refusal(Outcome outcome, int status) {
        if (outcome instanceof Outcome.NotKept notKept) {
            return new HttpError(notKept.drop().limit() == Limit.RATE ? 429 : 507, message(outcome));
        }
        Outcome.Quarantined quarantined = (Outcome.Quarantined) outcome;
        return new HttpError(status != 0 ? status : quarantined.problem() == Problem.CONFLICT ? 409 : 400,
                quarantined.reason());
    }

    /** What a refusal says: the reason, and why the input was not kept when it was not. */
    private static String message(Outcome outcome) {
        return outcome instanceof Outcome.NotKept notKept ? notKept.reason() + "; " + notKept.drop().why()
                : ((Outcome.Quarantined) outcome).reason();
    }

    private static Map<String, String> result(String result, String reason) {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("result", result);
        answer.put("reason", reason);
        return answer;
    }
}
