package com.sevenmind.eventstore.generator;

import com.sevenmind.eventstore.api.ContentPieceEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Plausible listening data in scrambled arrival order, reproducible from {@link GeneratorSettings#seed()}.
 *
 * <p>Each user gets a quota of events, a main character's 100 times a background user's. Events come in
 * sessions of a piece from a shared catalogue: a {@code ContentPieceStarted} (85%), then a
 * {@code ContentPieceCancelled} (55%) or {@code ContentPieceCompleted} (40%) or nothing (5%). Sessions start at
 * random times within the period; the next session always comes from a user picked with probability proportional
 * to their remaining quota, and the two events of a session may arrive in either order. So arrival order is
 * neither user order nor time order, which is what the store must cope with.
 *
 * <p>{@link GeneratorSettings#chaos()} adds what real pipelines do on top: late and redelivered events, second
 * ends, ends before starts and several events on one microsecond. Its decisions come from a random generator of
 * their own, so with {@link Chaos#NONE} the events are exactly those of the plain generator.
 *
 * <p>{@link #events()} generates lazily: memory grows with the number of users and with the late and redelivered
 * events still pending, never with the number of events.
 */
public final class Generator {

    private static final long MAIN_CHARACTER_WEIGHT = 100;
    private static final long BACKGROUND_WEIGHT = 1;

    private final GeneratorSettings settings;
    private final List<User> users;
    private final List<UUID> userIds;
    private final Catalogue catalogue;
    private final long[] quotas;
    private final long eventSeed;
    private final long uniqueIdBase;
    private final long chaosSeed;

    public Generator(GeneratorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings cannot be null");
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<User> generated = new ArrayList<>(settings.users());
        long[] weights = new long[settings.users()];
        for (int i = 0; i < settings.users(); i++) {
            generated.add(new User(Uuids.randomV4(random), Country.pick(random)));
            weights[i] = i < settings.mainCharacters() ? MAIN_CHARACTER_WEIGHT : BACKGROUND_WEIGHT;
        }
        this.users = List.copyOf(generated);
        this.userIds = users.stream().map(User::id).toList();
        this.quotas = Quotas.split(settings.events(), weights);
        this.catalogue = new Catalogue(random.split());
        this.eventSeed = random.nextLong();
        this.uniqueIdBase = random.nextLong();
        // Drawn last, so the users, catalogue and events above are the same with or without chaos.
        this.chaosSeed = random.nextLong();
    }

    /** All user ids, main characters first. */
    public List<UUID> users() {
        return userIds;
    }

    /** The ids of the users whose streams weigh 100 times a background user's. */
    public List<UUID> mainCharacters() {
        return userIds.subList(0, settings.mainCharacters());
    }

    /**
     * A fresh pass over exactly {@link GeneratorSettings#events()} distinct events, plus the redelivered copies
     * {@link Chaos#redeliver()} asks for; every call yields the same events in the same order.
     */
    public Iterator<ContentPieceEvent> events() {
        return new EventIterator(users, quotas, catalogue, settings.periodStart(), settings.period(),
                new SplittableRandom(eventSeed), new UniqueIds(uniqueIdBase), settings.chaos(),
                new SplittableRandom(chaosSeed));
    }
}
