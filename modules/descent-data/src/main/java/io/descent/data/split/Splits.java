package io.descent.data.split;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.data.order.EpochOrder;
import io.descent.data.order.SplitMix64;
import io.descent.nn.error.BadInputException;

import java.util.Arrays;

/**
 * Seeded random splits of a dataset into two disjoint parts that together hold every row once.
 *
 * <p>The held-out part has {@code round(size × fraction)} rows, at least 1 and at most {@code size - 1}. Both parts
 * keep the rows in their original relative order. Stateless and thread-safe.
 */
public final class Splits
{
    private static final long SPLIT_STREAM = 0x5B117L;

    private Splits()
    {
    }

    /**
     * Carve a validation split out of a training set.
     *
     * @param all                the rows to split, at least 2.
     * @param validationFraction share of rows held out, in (0, 1).
     * @param seed               the seed; equal seeds give equal splits.
     * @return (train, validation).
     * @throws BadInputException if the fraction is outside (0, 1) or the dataset has fewer than 2 rows.
     */
    public static DatasetPair trainValidation(final Dataset all, final double validationFraction, final long seed)
    {
        return split(all, validationFraction, seed, "validation");
    }

    /**
     * Carve a test split out of a dataset that has none of its own (e.g. a single CSV file).
     *
     * @param all          the rows to split, at least 2.
     * @param testFraction share of rows held out, in (0, 1).
     * @param seed         the seed; equal seeds give equal splits.
     * @return (train, test).
     * @throws BadInputException if the fraction is outside (0, 1) or the dataset has fewer than 2 rows.
     */
    public static DatasetPair trainTest(final Dataset all, final double testFraction, final long seed)
    {
        return split(all, testFraction, seed, "test");
    }

    /**
     * The size of the held-out part for a given dataset size and fraction.
     *
     * @param size     number of rows, ≥ 2.
     * @param fraction share held out, in (0, 1).
     * @return {@code round(size × fraction)} clamped to {@code [1, size - 1]}.
     */
    public static int heldOutSize(final int size, final double fraction)
    {
        return (int)Math.max(1, Math.min(size - 1, Math.round(size * fraction)));
    }

    private static DatasetPair split(final Dataset all, final double fraction, final long seed, final String what)
    {
        if (!(fraction > 0.0 && fraction < 1.0))
        {
            throw new BadInputException(
                what + " fraction " + fraction + " is outside (0, 1); set data." + what + "-fraction to e.g. 0.1");
        }
        final int n = all.size();
        if (n < 2)
        {
            throw new BadInputException(
                "cannot split a dataset of " + n + " row(s) into train and " + what + "; provide more rows");
        }
        final int[][] parts = partition(n, fraction, seed);
        return new DatasetPair(all.subset(parts[0]), all.subset(parts[1]));
    }

    /**
     * The row indices of a seeded split of {@code 0..n-1}, as used by {@link #trainValidation} and
     * {@link #trainTest}: equal (n, fraction, seed) give the same rows for in-memory datasets and shard sets.
     *
     * @param n        number of rows, ≥ 2.
     * @param fraction share held out, in (0, 1).
     * @param seed     the seed.
     * @return {@code {kept, heldOut}}, each sorted ascending; together they hold every row once.
     */
    public static int[][] partition(final int n, final double fraction, final long seed)
    {
        final int heldOut = heldOutSize(n, fraction);
        final int[] permutation = EpochOrder.permutation(n, SplitMix64.derive(seed, SPLIT_STREAM), 0);
        final int[] heldOutRows = Arrays.copyOfRange(permutation, 0, heldOut);
        final int[] keptRows = Arrays.copyOfRange(permutation, heldOut, n);
        Arrays.sort(heldOutRows);
        Arrays.sort(keptRows);
        return new int[][]{ keptRows, heldOutRows };
    }
}
