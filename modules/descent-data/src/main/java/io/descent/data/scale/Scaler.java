package io.descent.data.scale;

import io.descent.data.Dataset;

import java.util.Arrays;

/**
 * A per-feature affine map {@code x' = (x - offset[j]) * factor[j]} fitted on a training split and applied to any
 * split with the same features, so that no statistic leaks from validation or test data.
 *
 * <p>A feature that is constant in the training split gets factor 1 (it maps to 0 on train and never to NaN).
 * Immutable and thread-safe; the statistics can be saved with a model via {@link #offsets()} and
 * {@link #factors()}.
 */
public final class Scaler
{
    private final ScalingKind kind;
    private final double[] offsets;
    private final double[] factors;

    private Scaler(final ScalingKind kind, final double[] offsets, final double[] factors)
    {
        this.kind = kind;
        this.offsets = offsets;
        this.factors = factors;
    }

    /**
     * Compute the statistics of {@code train}.
     *
     * @param kind  the kind of scaling.
     * @param train the training split; only its features are read.
     * @return the fitted scaler.
     */
    public static Scaler fit(final ScalingKind kind, final Dataset train)
    {
        return fromStatistics(kind, FeatureStatistics.of(train));
    }

    /**
     * A scaler from statistics computed elsewhere, e.g. while a shard set was written.
     *
     * @param kind  the kind of scaling.
     * @param stats per-feature statistics of the training rows.
     * @return the scaler {@link #fit} would give for rows with these statistics.
     */
    public static Scaler fromStatistics(final ScalingKind kind, final FeatureStatistics stats)
    {
        final int d = stats.min().length;
        final double[] offsets = new double[d];
        final double[] factors = new double[d];
        Arrays.fill(factors, 1.0);
        switch (kind)
        {
            case NONE -> { }
            case MIN_MAX -> perFeature(offsets, factors, stats.min(), rangeOf(stats));
            case GLOBAL_MIN_MAX ->
            {
                final double min = Arrays.stream(stats.min()).min().orElse(0.0);
                final double max = Arrays.stream(stats.max()).max().orElse(0.0);
                final double[] mins = new double[d];
                final double[] ranges = new double[d];
                Arrays.fill(mins, min);
                Arrays.fill(ranges, max - min);
                perFeature(offsets, factors, mins, ranges);
            }
            case STANDARDIZE -> perFeature(offsets, factors, stats.mean(), stats.std());
            default -> throw new IllegalStateException("unhandled scaling kind " + kind);
        }
        return new Scaler(kind, offsets, factors);
    }

    /**
     * A scaler from saved statistics, e.g. a model artifact's.
     *
     * @param kind    the kind it was fitted for.
     * @param offsets per-feature offsets (copied).
     * @param factors per-feature factors (copied), as many as offsets.
     * @return the scaler that maps {@code x' = (x - offset[j]) * factor[j]}.
     * @throws IllegalArgumentException when the lengths differ.
     */
    public static Scaler of(final ScalingKind kind, final double[] offsets, final double[] factors)
    {
        if (offsets.length != factors.length)
        {
            throw new IllegalArgumentException(offsets.length + " offsets and " + factors.length + " factors");
        }
        return new Scaler(kind, offsets.clone(), factors.clone());
    }

    /**
     * @param features width of the rows.
     * @return the scaler that leaves rows of that width as they are.
     */
    public static Scaler identity(final int features)
    {
        final double[] factors = new double[features];
        Arrays.fill(factors, 1.0);
        return new Scaler(ScalingKind.NONE, new double[features], factors);
    }

    /**
     * @return the number of features this scaler maps.
     */
    public int width()
    {
        return offsets.length;
    }

    /**
     * Scale a dataset's features.
     *
     * @param dataset a split with the same number of features as the training split.
     * @return a new dataset with scaled features (new array) and the same targets; {@code dataset} itself when the
     * kind is {@link ScalingKind#NONE}.
     */
    public Dataset apply(final Dataset dataset)
    {
        if (dataset.numFeatures() != offsets.length)
        {
            throw new IllegalArgumentException(
                "dataset has " + dataset.numFeatures() + " features, the scaler was fitted on " + offsets.length);
        }
        if (kind == ScalingKind.NONE)
        {
            return dataset;
        }
        final float[] in = dataset.features();
        final float[] out = new float[in.length];
        final int d = offsets.length;
        final float[] offset = toFloats(offsets);
        final float[] factor = toFloats(factors);
        for (int base = 0; base < in.length; base += d)
        {
            for (int j = 0; j < d; j++)
            {
                out[base + j] = (in[base + j] - offset[j]) * factor[j];
            }
        }
        return dataset.withFeatures(out);
    }

    /**
     * Scale one row in place: {@code row[from + j] = (row[from + j] - offset[j]) * factor[j]}, in float exactly as
     * {@link #apply(Dataset)} does.
     *
     * @param row  the array holding the row.
     * @param from index of the row's first feature.
     */
    public void applyToRow(final float[] row, final int from)
    {
        if (kind == ScalingKind.NONE)
        {
            return;
        }
        for (int j = 0; j < offsets.length; j++)
        {
            row[from + j] = (row[from + j] - (float)offsets[j]) * (float)factors[j];
        }
    }

    /**
     * @return the kind this scaler was fitted for.
     */
    public ScalingKind kind()
    {
        return kind;
    }

    /**
     * @return a copy of the per-feature offsets.
     */
    public double[] offsets()
    {
        return offsets.clone();
    }

    /**
     * @return a copy of the per-feature factors.
     */
    public double[] factors()
    {
        return factors.clone();
    }

    private static double[] rangeOf(final FeatureStatistics stats)
    {
        final double[] range = new double[stats.min().length];
        for (int j = 0; j < range.length; j++)
        {
            range[j] = stats.max()[j] - stats.min()[j];
        }
        return range;
    }

    private static void perFeature(
        final double[] offsets, final double[] factors, final double[] centres, final double[] spreads)
    {
        for (int j = 0; j < offsets.length; j++)
        {
            offsets[j] = centres[j];
            factors[j] = spreads[j] > 0.0 ? 1.0 / spreads[j] : 1.0;
        }
    }

    private static float[] toFloats(final double[] values)
    {
        final float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++)
        {
            floats[i] = (float)values[i];
        }
        return floats;
    }
}
