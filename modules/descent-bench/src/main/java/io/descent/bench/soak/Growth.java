package io.descent.bench.soak;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * How one figure of one node moved after the warm-up: the least-squares line through its samples (time in seconds,
 * value), its slope per hour, that slope as a percentage of the figure's mean level, and per training step (the
 * slope divided by the node's step rate, the least-squares slope of its step count).
 *
 * @param samples        samples the fit used (those with a value).
 * @param first          the first of them.
 * @param last           the last of them.
 * @param mean           their mean: the level the growth is measured against.
 * @param perHour        the fitted slope, units per hour.
 * @param percentPerHour {@code perHour} in % of {@code mean}; NaN when the mean is 0 or there are fewer than 2
 *                       samples.
 * @param perStep        the slope per training step; NaN when the node took no steps in the window.
 */
record Growth(int samples, double first, double last, double mean, double perHour, double percentPerHour,
    double perStep)
{
    private static final double HOUR = 3600.0;

    /**
     * @param window the samples after the warm-up, in time order.
     * @param figure the figure to fit, e.g. {@code MemorySample::residentBytes}; NaN values are left out.
     * @return its growth (every field NaN when no sample has a value).
     */
    static Growth of(final List<MemorySample> window, final ToDoubleFunction<MemorySample> figure)
    {
        final List<MemorySample> valued = window.stream().filter(s -> !Double.isNaN(figure.applyAsDouble(s))).toList();
        if (valued.isEmpty())
        {
            return new Growth(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        final double mean = valued.stream().mapToDouble(figure).average().orElseThrow();
        final double slope = slope(valued, figure);
        final double stepRate = slope(valued, MemorySample::steps);
        return new Growth(valued.size(), figure.applyAsDouble(valued.get(0)),
            figure.applyAsDouble(valued.get(valued.size() - 1)), mean, slope * HOUR,
            mean != 0.0 ? 100.0 * slope * HOUR / mean : Double.NaN,
            stepRate > 0.0 ? slope / stepRate : Double.NaN);
    }

    /** @return the least-squares slope of {@code figure} against the samples' seconds, NaN below 2 samples. */
    static double slope(final List<MemorySample> samples, final ToDoubleFunction<MemorySample> figure)
    {
        if (samples.size() < 2)
        {
            return Double.NaN;
        }
        final double meanTime = samples.stream().mapToDouble(MemorySample::seconds).average().orElseThrow();
        final double meanValue = samples.stream().mapToDouble(figure).average().orElseThrow();
        double covariance = 0.0;
        double variance = 0.0;
        for (final MemorySample sample : samples)
        {
            final double dt = sample.seconds() - meanTime;
            covariance += dt * (figure.applyAsDouble(sample) - meanValue);
            variance += dt * dt;
        }
        return variance > 0.0 ? covariance / variance : Double.NaN;
    }
}
