package io.descent.data.shard;

import io.descent.data.ExampleSource;
import io.descent.data.SourceSplits;
import io.descent.data.order.SplitMix64;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.settings.ShardSettings;
import io.descent.data.split.Splits;
import io.descent.nn.error.BadInputException;

import java.nio.file.Path;

/**
 * Opens the train, validation and test splits of a {@code data.source = shards} job without reading rows onto the
 * heap: separate shard sets where configured, otherwise seeded held-out parts of {@code data.shards.dir} (test first,
 * then validation from the rest, with the same seed streams as {@link io.descent.data.load.DataLoader} uses for a CSV, so
 * a shard set written from a CSV splits into the same rows). Scaling uses the training set's manifest statistics.
 * Stateless and thread-safe.
 */
public final class ShardSplits
{
    private ShardSplits()
    {
    }

    /**
     * @param settings           the validated {@code data.shards} settings ({@code dir} set).
     * @param validationFraction share held out for validation when there is no validation set, in (0, 1).
     * @param scaling            the scaling to apply on read.
     * @param seed               the job seed.
     * @param validationStream   seed stream of the validation split.
     * @param testStream         seed stream of the test split.
     * @return the splits.
     * @throws BadInputException for a missing, damaged or mismatched shard set.
     */
    public static SourceSplits open(
        final ShardSettings settings,
        final double validationFraction,
        final ScalingKind scaling,
        final long seed,
        final long validationStream,
        final long testStream)
    {
        final Path dir = settings.dir().orElseThrow(
            () -> new BadInputException("data.source = shards needs data.shards.dir"));
        final ShardSource all = ShardSource.of(ShardSet.open(dir, settings.verifyChecksums()));
        final Scaler scaler = Scaler.fromStatistics(scaling, all.set().manifest().statistics());
        final ShardSource rest;
        final ShardSource test;
        if (settings.testDir().isPresent())
        {
            test = openMatching(settings.testDir().get(), all, settings.verifyChecksums(), "data.shards.test-dir");
            rest = all;
        }
        else
        {
            final int[][] parts = partition(all, settings.testFraction(), SplitMix64.derive(seed, testStream));
            test = all.subset(parts[1]);
            rest = all.subset(parts[0]);
        }
        final ShardSource validation;
        final ShardSource train;
        if (settings.validationDir().isPresent())
        {
            validation = openMatching(
                settings.validationDir().get(), all, settings.verifyChecksums(), "data.shards.validation-dir");
            train = rest;
        }
        else
        {
            final int[][] parts = partition(rest, validationFraction, SplitMix64.derive(seed, validationStream));
            validation = rest.subset(parts[1]);
            train = rest.subset(parts[0]);
        }
        return new SourceSplits(train.scaled(scaler), validation.scaled(scaler), test.scaled(scaler));
    }

    private static int[][] partition(final ShardSource source, final double fraction, final long seed)
    {
        if (source.size() < 2)
        {
            throw new BadInputException("shard set " + source.set().dir() + " has " + source.size() +
                " row(s) left to split; write more rows or give separate validation-dir / test-dir sets");
        }
        return Splits.partition(source.size(), fraction, seed);
    }

    private static ShardSource openMatching(
        final Path dir, final ExampleSource train, final boolean verify, final String key)
    {
        final ShardSource source = ShardSource.of(ShardSet.open(dir, verify));
        if (source.numFeatures() != train.numFeatures() || source.numOutputs() != train.numOutputs() ||
            source.task() != train.task() || !source.classNames().equals(train.classNames()))
        {
            throw new BadInputException(key + " = " + dir + " holds " + describe(source) + " but data.shards.dir " +
                "holds " + describe(train) + "; give a shard set written from the same source");
        }
        return source;
    }

    private static String describe(final ExampleSource source)
    {
        return source.task().name().toLowerCase() + " rows with " + source.numFeatures() + " features and " +
            source.numOutputs() + " outputs" + (source.classNames().isEmpty() ? "" : " " + source.classNames());
    }
}
