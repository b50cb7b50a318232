package io.descent.data.shard;

import io.descent.data.scale.FeatureStatistics;

import java.util.Arrays;

/**
 * Per-feature min, max, mean and population standard deviation accumulated one row at a time (Welford's update, in
 * double), so that statistics of a dataset larger than memory cost O(features) memory. Not thread-safe.
 */
final class RunningStatistics
{
    private final double[] min;
    private final double[] max;
    private final double[] mean;
    private final double[] m2;
    private long count;

    /**
     * @param numFeatures features per row, ≥ 1.
     */
    RunningStatistics(final int numFeatures)
    {
        min = new double[numFeatures];
        max = new double[numFeatures];
        mean = new double[numFeatures];
        m2 = new double[numFeatures];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /**
     * @param row  array holding the row's features.
     * @param from index of the first feature.
     * @return -1 if all values are finite, else the index (within the row) of the first that is not.
     */
    int add(final float[] row, final int from)
    {
        count++;
        int nonFinite = -1;
        for (int j = 0; j < mean.length; j++)
        {
            final double x = row[from + j];
            if (!Double.isFinite(x) && nonFinite < 0)
            {
                nonFinite = j;
            }
            min[j] = Math.min(min[j], x);
            max[j] = Math.max(max[j], x);
            final double delta = x - mean[j];
            mean[j] += delta / count;
            m2[j] += delta * (x - mean[j]);
        }
        return nonFinite;
    }

    /**
     * @return the statistics of the rows added so far (all 0 when none were).
     */
    FeatureStatistics result()
    {
        final int d = mean.length;
        final double[] std = new double[d];
        for (int j = 0; j < d; j++)
        {
            std[j] = count == 0 ? 0.0 : Math.sqrt(m2[j] / count);
        }
        return count == 0 ?
            new FeatureStatistics(new double[d], new double[d], new double[d], std) :
            new FeatureStatistics(min.clone(), max.clone(), mean.clone(), std);
    }
}
