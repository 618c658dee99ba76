package com.sevenmind.eventstore.generator;

import java.util.SplittableRandom;

/** Where a user listens from; fixes the time zone and locale of all their events. */
enum Country {
    GERMANY("Europe/Berlin", "de-DE", 50),
    AUSTRIA("Europe/Vienna", "de-AT", 10),
    SWITZERLAND("Europe/Zurich", "de-CH", 10),
    UNITED_KINGDOM("Europe/London", "en-GB", 10),
    UNITED_STATES("America/New_York", "en-US", 10),
    FRANCE("Europe/Paris", "fr-FR", 10);

    private static final Country[] ALL = values();
    private static final int TOTAL_WEIGHT = 100;

    private final String timezone;
    private final String locale;
    private final int weight;

    Country(String timezone, String locale, int weight) {
        this.timezone = timezone;
        this.locale = locale;
        this.weight = weight;
    }

    String timezone() {
        return timezone;
    }

    String locale() {
        return locale;
    }

    /** Half of the users are in Germany, a tenth in each other country. */
    static Country pick(SplittableRandom random) {
        int r = random.nextInt(TOTAL_WEIGHT);
        int i = 0;
        while (r >= ALL[i].weight) {
            r -= ALL[i].weight;
            i++;
        }
        return ALL[i];
    }
}
