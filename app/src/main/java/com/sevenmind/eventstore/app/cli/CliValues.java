package com.sevenmind.eventstore.app.cli;

import com.sevenmind.eventstore.app.Instants;
import com.sevenmind.eventstore.app.ingest.BatchAppender;
import com.sevenmind.eventstore.app.projecting.Lateness;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line's side of values whose checks the shared code owns (and HTTP calls too): picocli converters that
 * turn the check's {@link IllegalArgumentException} into picocli's usage error.
 */
final class CliValues {

    private CliValues() {
    }

    /** A converter that runs a shared check, its {@link IllegalArgumentException} a usage error saying why. */
    private abstract static class Checked<T> implements ITypeConverter<T> {

        private final Function<String, T> check;

        Checked(Function<String, T> check) {
            this.check = check;
        }

        @Override
        public T convert(String value) {
            try {
                return check.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --as-of}, {@code --since}: {@link Instants#parse}. */
    static final class InstantConverter extends Checked<Instant> {

        InstantConverter() {
            super(Instants::parse);
        }
    }

    /** {@code --late-after}: {@link Lateness#threshold}. */
    static final class ThresholdConverter extends Checked<Duration> {

        ThresholdConverter() {
            super(Lateness::threshold);
        }
    }

    /** Refuses a {@code --batch-size} out of 1 to {@link BatchAppender#MAX_BATCH_SIZE} as a usage error. */
    static void checkBatchSize(CommandSpec spec, int batchSize) {
        if (batchSize < 1 || batchSize > BatchAppender.MAX_BATCH_SIZE) {
            throw new ParameterException(spec.commandLine(),
                    String.format("--batch-size must be from 1 to %,d, was %d", BatchAppender.MAX_BATCH_SIZE,
                            batchSize));
        }
    }
}
