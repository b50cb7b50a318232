package io.descent.data.scale;

import io.descent.data.Dataset;

import java.util.Arrays;

/**
 * Per-feature minimum, maximum, mean and population standard deviation of a dataset, accumulated in double.
 *
 * @param min  per-feature minimum.
 * @param max  per-feature maximum.
 * @param mean per-feature mean.
 * @param std  per-feature population standard deviation.
 */
public record FeatureStatistics(double[] min, double[] max, double[] mean, double[] std)
{
    /**
     * @param dataset the rows to summarize; with no rows all statistics are 0.
     * @return the statistics.
     */
    public static FeatureStatistics of(final Dataset dataset)
    {
        final int d = dataset.numFeatures();
        final int n = dataset.size();
        final float[] x = dataset.features();
        final double[] min = new double[d];
        final double[] max = new double[d];
        final double[] sum = new double[d];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int base = 0; base < x.length; base += d)
        {
            for (int j = 0; j < d; j++)
            {
                final double v = x[base + j];
                min[j] = Math.min(min[j], v);
                max[j] = Math.max(max[j], v);
                sum[j] += v;
            }
        }
        final double[] mean = new double[d];
        for (int j = 0; j < d; j++)
        {
            mean[j] = n == 0 ? 0.0 : sum[j] / n;
        }
        final double[] squares = new double[d];
        for (int base = 0; base < x.length; base += d)
        {
            for (int j = 0; j < d; j++)
            {
                final double deviation = x[base + j] - mean[j];
                squares[j] += deviation * deviation;
            }
        }
        final double[] std = new double[d];
        for (int j = 0; j < d; j++)
        {
            std[j] = n == 0 ? 0.0 : Math.sqrt(squares[j] / n);
            if (n == 0)
            {
                min[j] = 0.0;
                max[j] = 0.0;
            }
        }
        return new FeatureStatistics(min, max, mean, std);
    }
}
